"""Strings of django-allauth, django-auditlog and Django that our pages and emails show,
listed so ``makemessages`` puts them in our catalogue: none ships a usable Hindi translation
(allauth and auditlog none at all; Django's is formal or stray, e.g. "कूटशब्द" for password), and a
translation in LOCALE_PATHS wins over the packages' own.

Regenerate the list when allauth is upgraded (see README, "Languages"). Nothing calls
``_marked``; it only carries the msgids.
"""

# ruff: noqa: E501
from django.utils.translation import gettext_noop, ngettext, pgettext


def _marked(n: int = 1) -> None:
    # allauth: account/adapter.py
    gettext_noop("This account is currently inactive.")
    # allauth: account/adapter.py
    gettext_noop("You cannot remove your primary email address.")
    # allauth: account/adapter.py
    gettext_noop("This email address is already associated with this account.")
    # allauth: account/adapter.py
    gettext_noop("The email address and/or password you specified are not correct.")
    # allauth: account/adapter.py
    gettext_noop("The phone number and/or password you specified are not correct.")
    # allauth: account/adapter.py
    gettext_noop("A user is already registered with this email address.")
    # allauth: account/adapter.py
    gettext_noop("Please type your current password.")
    # allauth: account/adapter.py
    gettext_noop("Incorrect code.")
    # allauth: account/adapter.py
    gettext_noop("Incorrect password.")
    # allauth: account/adapter.py
    gettext_noop("Invalid or expired key.")
    # allauth: account/adapter.py
    gettext_noop("Invalid login.")
    # allauth: account/adapter.py
    gettext_noop("The password reset token was invalid.")
    # allauth: account/adapter.py
    gettext_noop("You cannot add more than %d email addresses.")
    # allauth: account/adapter.py
    gettext_noop("A user is already registered with this phone number.")
    # allauth: account/adapter.py
    gettext_noop("Too many failed login attempts. Try again later.")
    # allauth: account/adapter.py
    gettext_noop("The email address is not assigned to any user account.")
    # allauth: account/adapter.py
    gettext_noop("The phone number is not assigned to any user account.")
    # allauth: account/adapter.py
    gettext_noop("Your primary email address must be verified.")
    # allauth: account/adapter.py
    gettext_noop("Username can not be used. Please use other username.")
    # allauth: account/adapter.py
    gettext_noop("The username and/or password you specified are not correct.")
    # allauth: account/adapter.py
    gettext_noop("Please select only one.")
    # allauth: account/adapter.py
    gettext_noop("The new value must be different from the current one.")
    # allauth: account/adapter.py
    gettext_noop("Be patient, you are sending too many requests.")
    # allauth: account/adapter.py
    gettext_noop("Use your password")
    # allauth: account/adapter.py
    gettext_noop("Use authenticator app or code")
    # allauth: account/adapter.py
    gettext_noop("Use a security key")
    # allauth: account/fields.py
    gettext_noop("Email")
    # allauth: account/fields.py
    gettext_noop("Email address")
    # allauth: account/fields.py
    gettext_noop("Enter a phone number including country code (e.g. +1 for the US).")
    # allauth: account/fields.py
    gettext_noop("Phone")
    # allauth: account/forms.py
    gettext_noop("You must type the same password each time.")
    # allauth: account/forms.py
    gettext_noop("Password")
    # allauth: account/forms.py
    gettext_noop("Remember Me")
    # allauth: account/forms.py
    gettext_noop("Username")
    # allauth: account/forms.py
    pgettext("field label", "Login")
    # allauth: account/forms.py
    gettext_noop("Username, email or phone")
    # allauth: account/forms.py
    gettext_noop("Username or email")
    # allauth: account/forms.py
    gettext_noop("Username or phone")
    # allauth: account/forms.py
    gettext_noop("Email or phone")
    # allauth: account/forms.py
    gettext_noop("Forgot your password?")
    # allauth: account/forms.py
    gettext_noop("Email (again)")
    # allauth: account/forms.py
    gettext_noop("Email address confirmation")
    # allauth: account/forms.py
    gettext_noop("Email (optional)")
    # allauth: account/forms.py
    gettext_noop("Username (optional)")
    # allauth: account/forms.py
    gettext_noop("You must type the same email each time.")
    # allauth: account/forms.py
    gettext_noop("Password (again)")
    # allauth: account/forms.py
    gettext_noop("Current Password")
    # allauth: account/forms.py
    gettext_noop("New Password")
    # allauth: account/forms.py
    gettext_noop("New Password (again)")
    # allauth: account/forms.py
    gettext_noop("Code")
    # allauth: account/models.py
    gettext_noop("user")
    # allauth: account/models.py
    gettext_noop("email address")
    # allauth: account/models.py
    gettext_noop("verified")
    # allauth: account/models.py
    gettext_noop("primary")
    # allauth: account/models.py
    gettext_noop("email addresses")
    # allauth: account/models.py
    gettext_noop("created")
    # allauth: account/models.py
    gettext_noop("sent")
    # allauth: account/models.py
    gettext_noop("key")
    # allauth: account/models.py
    gettext_noop("email confirmation")
    # allauth: account/models.py
    gettext_noop("email confirmations")
    # allauth: templates/account/password_reset_from_key.html
    gettext_noop("Cancel")
    # allauth: templates/account/account_inactive.html
    gettext_noop("Account Inactive")
    # allauth: templates/account/account_inactive.html
    gettext_noop("This account is inactive.")
    # allauth: templates/account/email_confirm.html
    gettext_noop("Confirm")
    # allauth: templates/account/base_reauthenticate.html
    gettext_noop("Confirm Access")
    # allauth: templates/account/base_reauthenticate.html
    gettext_noop("Please reauthenticate to safeguard your account.")
    # allauth: templates/account/base_reauthenticate.html
    gettext_noop("Alternative options")
    # allauth: templates/account/login.html
    gettext_noop("Sign In")
    # allauth: templates/account/email/password_reset_subject.txt
    gettext_noop("Password Reset")
    # allauth: templates/account/email.html
    gettext_noop("Email Addresses")
    # allauth: templates/account/email.html
    gettext_noop("The following email addresses are associated with your account:")
    # allauth: templates/account/email.html
    gettext_noop("Verified")
    # allauth: templates/account/email.html
    gettext_noop("Unverified")
    # allauth: templates/account/email.html
    gettext_noop("Primary")
    # allauth: templates/account/email.html
    gettext_noop("Make Primary")
    # allauth: templates/account/email.html
    gettext_noop("Re-send Verification")
    # allauth: templates/account/email.html
    gettext_noop("Remove")
    # allauth: templates/account/email.html
    gettext_noop("Add Email Address")
    # allauth: templates/account/email.html
    gettext_noop("Add Email")
    # allauth: templates/account/email.html
    gettext_noop("Do you really want to remove the selected email address?")
    # allauth: templates/account/email/account_already_exists_message.txt
    gettext_noop(
        "You are receiving this email because you or someone else tried to signup for an\naccount using email address:\n\n%(email)s\n\nHowever, an account using that email address already exists.  In case you have\nforgotten about this, please use the password forgotten procedure to recover\nyour account:\n\n%(password_reset_url)s"
    )
    # allauth: templates/account/email/account_already_exists_subject.txt
    gettext_noop("Account Already Exists")
    # allauth: templates/account/email/base_message.txt
    gettext_noop("Hello from %(site_name)s!")
    # allauth: templates/account/email/base_message.txt
    gettext_noop("Thank you for using %(site_name)s!\n%(site_domain)s")
    # allauth: templates/account/email/base_notification.txt
    gettext_noop(
        "You are receiving this mail because the following change was made to your account:"
    )
    # allauth: templates/account/email/base_notification.txt
    gettext_noop(
        "If you do not recognize this change then please take proper security precautions immediately. The change to your account originates from:\n\n- IP address: %(ip)s\n- Browser: %(user_agent)s\n- Date: %(timestamp)s"
    )
    # allauth: templates/account/email/email_changed_message.txt
    gettext_noop("Your email has been changed from %(from_email)s to %(to_email)s.")
    # allauth: templates/account/email/email_changed_subject.txt
    gettext_noop("Email Changed")
    # allauth: templates/account/email/email_confirm_message.txt
    gettext_noop("Your email has been confirmed.")
    # allauth: templates/account/email/email_confirm_subject.txt
    gettext_noop("Email Confirmation")
    # allauth: templates/account/email/email_confirmation_message.txt
    gettext_noop(
        "You're receiving this email because user %(user_display)s has given your email address to register an account on %(site_domain)s."
    )
    # allauth: templates/account/email/email_confirmation_message.txt
    gettext_noop(
        "Your email verification code is listed below. Please enter it in your open browser window."
    )
    # allauth: templates/account/email/email_confirmation_message.txt
    gettext_noop("To confirm this is correct, go to %(activate_url)s")
    # allauth: templates/account/email/email_confirmation_subject.txt
    gettext_noop("Please Confirm Your Email Address")
    # allauth: templates/account/email/email_deleted_message.txt
    gettext_noop("Email address %(deleted_email)s has been removed from your account.")
    # allauth: templates/account/email/email_deleted_subject.txt
    gettext_noop("Email Removed")
    # allauth: templates/account/email/unknown_account_message.txt
    gettext_noop("This mail can be safely ignored if you did not initiate this action.")
    # allauth: templates/account/email/password_changed_message.txt
    gettext_noop("Your password has been changed.")
    # allauth: templates/account/email/password_changed_subject.txt
    gettext_noop("Password Changed")
    # allauth: templates/account/email/password_reset_key_message.txt
    gettext_noop(
        "You're receiving this email because you or someone else has requested a password reset for your user account.\nIt can be safely ignored if you did not request a password reset. Click the link below to reset your password."
    )
    # allauth: templates/account/email/password_reset_key_message.txt
    gettext_noop("In case you forgot, your username is %(username)s.")
    # allauth: templates/account/email/password_reset_key_subject.txt
    gettext_noop("Password Reset Email")
    # allauth: templates/account/email/password_reset_message.txt
    gettext_noop("Your password has been reset.")
    # allauth: templates/account/email/password_set_message.txt
    gettext_noop("Your password has been set.")
    # allauth: templates/account/email/password_set_subject.txt
    gettext_noop("Password Set")
    # allauth: templates/account/email/unknown_account_message.txt
    gettext_noop(
        "You are receiving this email because you, or someone else, tried to access an account with email %(email)s. However, we do not have any record of such an account in our database."
    )
    # allauth: templates/account/email/unknown_account_message.txt
    gettext_noop("If it was you, you can sign up for an account using the link below.")
    # allauth: templates/account/email/unknown_account_subject.txt
    gettext_noop("Unknown Account")
    # allauth: templates/account/email_change.html
    gettext_noop("Email Address")
    # allauth: templates/account/email_change.html
    gettext_noop("Current email")
    # allauth: templates/account/email_change.html
    gettext_noop("Changing to")
    # allauth: templates/account/email_change.html
    gettext_noop("Your email address is still pending verification.")
    # allauth: templates/account/email_change.html
    gettext_noop("Cancel Change")
    # allauth: templates/account/email_change.html
    gettext_noop("Change to")
    # allauth: templates/account/email_change.html
    gettext_noop("Change Email")
    # allauth: templates/account/email_confirm.html
    gettext_noop("Confirm Email Address")
    # allauth: templates/account/email_confirm.html
    gettext_noop(
        'Please confirm that <a href="mailto:%(email)s">%(email)s</a> is an email address for user %(user_display)s.'
    )
    # allauth: templates/account/email_confirm.html
    gettext_noop(
        "Unable to confirm %(email)s because it is already confirmed by a different account."
    )
    # allauth: templates/account/email_confirm.html
    gettext_noop(
        'This email confirmation link expired or is invalid. Please <a href="%(email_url)s">issue a new email confirmation request</a>.'
    )
    # allauth: templates/account/login.html
    gettext_noop(
        "If you have not created an account yet, then please %(link)ssign up%(end_link)s first."
    )
    # allauth: templates/account/login.html
    gettext_noop("Sign in with a passkey")
    # allauth: templates/account/login.html
    gettext_noop("Send me a sign-in code")
    # allauth: templates/account/logout.html
    gettext_noop("Sign Out")
    # allauth: templates/account/logout.html
    gettext_noop("Are you sure you want to sign out?")
    # allauth: templates/account/messages/cannot_delete_primary_email.txt
    gettext_noop("You cannot remove your primary email address (%(email)s).")
    # allauth: templates/account/messages/email_confirmation_sent.txt
    gettext_noop("Confirmation email sent to %(email)s.")
    # allauth: templates/account/messages/email_confirmed.txt
    gettext_noop("You have confirmed %(email)s.")
    # allauth: templates/account/messages/email_deleted.txt
    gettext_noop("Removed email address %(email)s.")
    # allauth: templates/account/messages/logged_in.txt
    gettext_noop("Successfully signed in as %(name)s.")
    # allauth: templates/account/messages/logged_out.txt
    gettext_noop("You have signed out.")
    # allauth: templates/account/messages/password_changed.txt
    gettext_noop("Password successfully changed.")
    # allauth: templates/account/messages/password_set.txt
    gettext_noop("Password successfully set.")
    # allauth: templates/account/messages/primary_email_set.txt
    gettext_noop("Primary email address set.")
    # allauth: templates/account/password_change.html
    gettext_noop("Change Password")
    # allauth: templates/account/password_change.html
    gettext_noop("Forgot Password?")
    # allauth: templates/account/password_reset.html
    gettext_noop(
        "Forgotten your password? Enter your email address below, and we'll send you an email allowing you to reset it."
    )
    # allauth: templates/account/password_reset.html
    gettext_noop("Reset My Password")
    # allauth: templates/account/password_reset.html
    gettext_noop("Please contact us if you have any trouble resetting your password.")
    # allauth: templates/account/password_reset_done.html
    gettext_noop(
        "We have sent you an email. If you have not received it please check your spam folder. Otherwise contact us if you do not receive it in a few minutes."
    )
    # allauth: templates/account/password_reset_from_key.html
    gettext_noop("Bad Token")
    # allauth: templates/account/password_reset_from_key.html
    gettext_noop(
        'The password reset link was invalid, possibly because it has already been used.  Please request a <a href="%(passwd_reset_url)s">new password reset</a>.'
    )
    # allauth: templates/account/password_reset_from_key_done.html
    gettext_noop("Your password is now changed.")
    # allauth: templates/account/password_set.html
    gettext_noop("Set Password")
    # allauth: templates/account/reauthenticate.html
    gettext_noop("Enter your password:")
    # allauth: templates/account/signup.html
    gettext_noop("Signup")
    # allauth: templates/account/signup.html
    gettext_noop("Sign Up")
    # allauth: templates/account/signup.html
    gettext_noop("Already have an account? Then please %(link)ssign in%(end_link)s.")
    # allauth: templates/account/signup.html
    gettext_noop("Sign up using a passkey")
    # allauth: templates/account/snippets/already_logged_in.html
    gettext_noop("Note")
    # allauth: templates/account/snippets/already_logged_in.html
    gettext_noop("You are already logged in as %(user_display)s.")
    # allauth: templates/account/snippets/warn_no_email.html
    gettext_noop("Warning:")
    # allauth: templates/account/snippets/warn_no_email.html
    gettext_noop(
        "You currently do not have any email address set up. You should really add an email address so you can receive notifications, reset your password, etc."
    )
    # allauth: templates/account/verification_sent.html
    gettext_noop("Verify Your Email Address")
    # allauth: templates/account/verification_sent.html
    gettext_noop(
        "We have sent an email to you for verification. Follow the link provided to finalize the signup process. If you do not see the verification email in your main inbox, check your spam folder. Please contact us if you do not receive the verification email within a few minutes."
    )
    # allauth: templates/account/verified_email_required.html
    gettext_noop(
        "This part of the site requires us to verify that\nyou are who you claim to be. For this purpose, we require that you\nverify ownership of your email address. "
    )
    # allauth: templates/account/verified_email_required.html
    gettext_noop(
        "We have sent an email to you for\nverification. Please click on the link inside that email. If you do not see the verification email in your main inbox, check your spam folder. Otherwise\ncontact us if you do not receive it within a few minutes."
    )
    # allauth: templates/account/verified_email_required.html
    gettext_noop(
        '<strong>Note:</strong> you can still <a href="%(email_url)s">change your email address</a>.'
    )
    # allauth: templates/allauth/layouts/base.html
    gettext_noop("Messages:")
    # allauth: templates/allauth/layouts/base.html
    gettext_noop("Menu:")
    # allauth: templates/allauth/layouts/base.html
    gettext_noop("Account Connections")
    # allauth: templates/allauth/layouts/base.html
    gettext_noop("Two-Factor Authentication")
    # allauth: templates/allauth/layouts/base.html
    gettext_noop("Sessions")
    # django.contrib.auth: password_validation.py
    ngettext(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        n,
    )
    ngettext(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        n,
    )
    gettext_noop("The password is too similar to the %(verbose_name)s.")
    gettext_noop("Your password can’t be too similar to your other personal information.")
    gettext_noop("This password is too common.")
    gettext_noop("Your password can’t be a commonly used password.")
    gettext_noop("This password is entirely numeric.")
    gettext_noop("Your password can’t be entirely numeric.")
    # django: forms, validators and date names (django/conf/locale/hi is formal, stray or
    # misspelt: "दिसमबर", and AM and PM both "बजे")
    gettext_noop("This field is required.")
    gettext_noop("Enter a valid value.")
    gettext_noop("Enter a valid email address.")
    gettext_noop("Enter a valid integer.")
    gettext_noop("Enter a number.")
    gettext_noop("Enter a whole number.")
    gettext_noop("Enter a valid date.")
    gettext_noop("Enter a valid time.")
    gettext_noop("Enter a valid date/time.")
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s.")
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s.")
    gettext_noop("Ensure this value is a multiple of step size %(limit_value)s.")
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices.")
    gettext_noop("Select a valid choice. That choice is not one of the available choices.")
    gettext_noop(
        "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
    )
    pgettext(
        "{example_number} is a national phone number.",
        "Enter a valid phone number (e.g. {example_number}) or a number with an international call prefix.",
    )
    gettext_noop("January")
    gettext_noop("February")
    gettext_noop("March")
    gettext_noop("April")
    gettext_noop("May")
    gettext_noop("June")
    gettext_noop("July")
    gettext_noop("August")
    gettext_noop("September")
    gettext_noop("October")
    gettext_noop("November")
    gettext_noop("December")
    gettext_noop("jan")
    gettext_noop("feb")
    gettext_noop("mar")
    gettext_noop("apr")
    gettext_noop("may")
    gettext_noop("jun")
    gettext_noop("jul")
    gettext_noop("aug")
    gettext_noop("sep")
    gettext_noop("oct")
    gettext_noop("nov")
    gettext_noop("dec")
    gettext_noop("Monday")
    gettext_noop("Tuesday")
    gettext_noop("Wednesday")
    gettext_noop("Thursday")
    gettext_noop("Friday")
    gettext_noop("Saturday")
    gettext_noop("Sunday")
    gettext_noop("Mon")
    gettext_noop("Tue")
    gettext_noop("Wed")
    gettext_noop("Thu")
    gettext_noop("Fri")
    gettext_noop("Sat")
    gettext_noop("Sun")
    gettext_noop("AM")
    gettext_noop("PM")
    gettext_noop("a.m.")
    gettext_noop("p.m.")
    gettext_noop("midnight")
    gettext_noop("noon")
    gettext_noop("Yes")
    gettext_noop("No")
    ngettext(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        n,
    )
    ngettext(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        n,
    )
    ngettext(
        "Ensure that there are no more than %(max)s digit in total.",
        "Ensure that there are no more than %(max)s digits in total.",
        n,
    )
    ngettext(
        "Ensure that there are no more than %(max)s decimal place.",
        "Ensure that there are no more than %(max)s decimal places.",
        n,
    )
    # django-auditlog: the kinds of change on the staff audit log (no Hindi shipped)
    gettext_noop("create")
    gettext_noop("update")
    gettext_noop("delete")
    gettext_noop("access")
