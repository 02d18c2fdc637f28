"""QR codes drawn as inline SVG (no image request, nothing to cache): for the
authenticator app's set-up link and project invitation links."""

import qrcode
import qrcode.image.svg
from markupsafe import Markup


def qr_svg(text):
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return Markup(image.to_string(encoding="unicode"))
