"""Each person's devices: one authenticator app (django-otp's TOTP device) and one set
of recovery codes (a static device whose tokens are used up one by one)."""

import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_noop
from django_otp import DEVICE_ID_SESSION_KEY, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.blocks.roles import requires_two_factor

logger = logging.getLogger(__name__)

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "authenticator app"
RECOVERY_DEVICE_NAME = "recovery codes"

# What a signed-in session still owes (pending_step).
VERIFY = "verify"
ENROL = "setup"

# When the session's password sign-in happened (set on every login, portal.apps).
SIGNED_IN_AT_SESSION_KEY = "two_factor_signed_in_at"

# History messages on the person's user record, in the admin's own structure so that
# each reader sees them in their language (LogEntry.get_change_message).
SET_UP = gettext_noop("two-step verification: authenticator app set up")
NEW_CODES = gettext_noop("two-step verification: new recovery codes")
RESET = gettext_noop("two-step verification: reset, every device removed")


def pending_step(user):
    """What a signed-in person must still do before the admin is theirs: ``VERIFY``
    (give a code), ``ENROL`` (set up an app, required for their role) or None."""
    if not user.is_authenticated or user.is_verified():
        return None
    if user_has_device(user):
        return VERIFY
    if requires_two_factor(user):
        return ENROL
    return None


def has_two_factor(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def note_password_sign_in(sender, request, user, **kwargs):
    """``user_logged_in`` receiver: the time of the password step, which setting up an
    app without a code relies on (``password_is_recent``)."""
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT_SESSION_KEY] = int(time.time())


def password_is_recent(session):
    """A session may set up its first app only soon after its password: a session
    cookie left in a browser (or taken from one) cannot add its own authenticator to an
    account whose devices a superuser has just reset."""
    signed_in_at = session.get(SIGNED_IN_AT_SESSION_KEY)
    return (
        isinstance(signed_in_at, int)
        and time.time() - signed_in_at < settings.TWO_FACTOR_ENROL_MINUTES * 60
    )


def enrolment_device(user):
    """The app being set up. The same one until it is confirmed, so that reloading the
    page keeps the key the person may already have scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def secret_text(device):
    """The key as people type it into an app: base32 in groups of four."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


def qr_code_svg(device, label):
    """The key as a QR code in inline SVG: drawn here, never by a web service (the key
    is a secret), and with no inline style or script for the CSP to refuse."""
    import qrcode
    from qrcode.image.svg import SvgPathFillImage

    image = qrcode.make(device.config_url, image_factory=SvgPathFillImage, border=2)
    root = image.get_image()
    root.set("role", "img")
    root.set("aria-label", str(label))
    root.set("class", "two-factor-qr")
    # ElementTree serialises and escapes it: the only text not drawn by qrcode is the
    # label, an attribute value.
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308


@dataclass
class Check:
    device: object = None
    wait_seconds: int = 0

    @property
    def passed(self):
        return self.device is not None


def normalise(code):
    return "".join(code.split()).replace("-", "").lower()


def _wait_seconds(device):
    allowed, details = device.verify_is_allowed()
    if allowed:
        return 0
    remaining = (details["locked_until"] - timezone.now()).total_seconds()
    return max(1, math.ceil(remaining))


def _check(devices, code):
    """Try ``code`` on each device that is not waiting out its wrong codes; the
    devices are locked for the check so that one code cannot be used twice at once."""
    waits = []
    for device in devices:
        wait = _wait_seconds(device)
        if wait:
            waits.append(wait)
        elif device.verify_token(code):
            return Check(device=device)
    # Every device that was tried now counts one more wrong code; report a wait only
    # when no device could be tried at all.
    tried = len(waits) < len(devices)
    return Check(wait_seconds=0 if tried else min(waits, default=0))


def check_code(user, code):
    """A code from the app (digits) or a recovery code (letters too), used up if right."""
    code = normalise(code)
    model = TOTPDevice if code.isdigit() else StaticDevice
    with transaction.atomic():
        devices = list(model.objects.devices_for_user(user, confirmed=True).select_for_update())
        result = _check(devices, code)
    if not result.passed:
        logger.warning("Wrong two-step verification code for %s", user.get_username())
    return result


def check_enrolment_code(device, code):
    """The first code from the app being set up."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        return _check([device], normalise(code))


def finish_enrolment(device):
    """Confirm the app (replacing any earlier one) and make new recovery codes."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = new_recovery_codes(device.user)
    logger.info("Two-step verification set up by %s", device.user.get_username())
    return codes


def _recovery_code():
    # Never all digits, so that it is never taken for a code from the app.
    while True:
        code = StaticToken.random_token()
        if not code.isdigit():
            return code


def new_recovery_codes(user):
    """Ten new codes; the earlier ones stop working. The device itself is kept: a
    session verified with a recovery code stays verified."""
    with transaction.atomic():
        device = StaticDevice.objects.filter(user=user).order_by("pk").first()
        if device is None:
            device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME)
        device.token_set.all().delete()
        codes = [_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
        device.throttle_reset()
    return codes


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def verified_with_recovery_code(request):
    return request.session.get(DEVICE_ID_SESSION_KEY, "").startswith(StaticDevice.model_label())


def reset(user):
    """Remove every device of ``user``: their sessions are no longer verified, and at
    their next sign-in they set up an app again (or, as Editors, may)."""
    with transaction.atomic():
        removed = sum(
            model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
            for model in (TOTPDevice, StaticDevice)
        )
    logger.warning("Two-step verification reset for %s", user.get_username())
    return removed


def log_on_user(actor, user, change):
    """A line in the admin history of ``user``'s record, shown in each reader's
    language."""
    LogEntry.objects.log_actions(
        user_id=actor.pk,
        queryset=[user],
        action_flag=CHANGE,
        change_message=[{"changed": {"fields": [change]}}],
        single_object=True,
    )
