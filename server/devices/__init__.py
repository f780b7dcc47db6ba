"""Enrolled devices: the office's kiosks, TVs and counter tablets. A screen asks for enrolment and
shows a code, an admin approves it (or ``loket device add`` enrols one); after that it is
recognised by a cookie or ``Authorization: Device``. Only the registry stores devices.

May import: config, core, webbase.
"""
