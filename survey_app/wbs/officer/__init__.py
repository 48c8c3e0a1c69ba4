"""The officers' side: login with password and TOTP, the queue, cases, the recap.

views.py (blueprint `wbs_officer`, URLs under /wbs/officer), access.py (the officer of a
request), auth.py (login and sessions holding the channel key), accounts.py (channels and
officers), services.py (triage: queue, status, assignment, notes), recap.py and
recap_export.py (the ZI recap).
"""
