"""The reporter's side: the anonymous form, the receipt, follow-up with the receipt only.

views.py (blueprint `wbs`, URLs under /wbs), forms.py (checking what was sent), services.py
(storing a report or an answer, opening one by its receipt), pages.py (the case page and the
browser's wrong-receipt pause), formtoken.py (one-time form tokens), qrcode_svg.py.
"""
