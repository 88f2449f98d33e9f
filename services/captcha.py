"""图形验证码: an image drawn by the `captcha` library; the answer stays in the database and is good for one try."""
import hmac
import secrets
from datetime import timedelta

from captcha.image import ImageCaptcha

from models import CaptchaChallenge, now

ALPHABET = "ABCDEFHJKMNPRSTUVWXY2345678"  # no 0/O, 1/I/L or 9/G look-alikes
LENGTH = 4
LIFETIME = timedelta(minutes=10)


def new_challenge(at=None):
    """A fresh challenge: (token to keep in the session, PNG image). Expired challenges go, they prove nothing."""
    at = at or now()
    CaptchaChallenge.delete().where(CaptchaChallenge.created_at <= at - LIFETIME).execute()
    answer = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    token = secrets.token_urlsafe(32)
    CaptchaChallenge.create(token=token, answer=answer, created_at=at)
    return token, ImageCaptcha(width=160, height=60).generate(answer).getvalue()


def solve(token, answer, at=None):
    """True when `answer` is what the image for `token` shows; right or wrong, that challenge cannot be tried again."""
    at = at or now()
    fresh = (CaptchaChallenge.token == (token or "")) & ~CaptchaChallenge.used
    claimed = CaptchaChallenge.update(used=True).where(fresh & (CaptchaChallenge.created_at > at - LIFETIME)).execute()
    if claimed != 1:
        return False
    expected = CaptchaChallenge.get(CaptchaChallenge.token == token).answer
    return hmac.compare_digest(expected, (answer or "").strip().upper())
