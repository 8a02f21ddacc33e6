"""Vietnamese number formatting for text that is not rendered by Django's localization
(messages, generated narrative, exports): `2.718`, `97,45%`."""
from decimal import ROUND_HALF_UP, Decimal, localcontext

HUNDREDTH = Decimal("0.01")


def fmt_int(value):
    if value is None or value == "":
        return ""
    return f"{int(value):,}".replace(",", ".")


def fmt_pct(value):
    """A percentage already multiplied by 100, two decimals: 97.4512 → `97,45%`; None → ``."""
    if value is None or value == "":
        return ""
    rounded = _hundredths(Decimal(str(value)))
    whole, _, frac = f"{rounded:.2f}".partition(".")
    return f"{fmt_int(int(whole))},{frac}%"


def percent(numerator, denominator):
    """numerator/denominator as a percentage rounded to two decimals, or None when undefined."""
    if not denominator:
        return None
    hundredfold = Decimal(numerator) * 100
    with localcontext(prec=_digits_for(hundredfold)):  # the quotient is at most that
        return float(_hundredths(hundredfold / Decimal(denominator)))


def _digits_for(number):
    """Decimal digits enough to hold `number` to the hundredth (28, Python's default, at least): a
    count typed with thirty digits is refused with an error, and its rate still computed and shown."""
    return max(28, number.adjusted() + 6)


def _hundredths(number):
    """`number` rounded half up to two decimals, however large (_digits_for)."""
    with localcontext(prec=_digits_for(number)):
        return number.quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def fmt_decimal(value, places=1):
    """`1536.25` → `1.536,3` (places 1)."""
    whole, _, frac = f"{float(value):.{places}f}".partition(".")
    return f"{fmt_int(int(whole))},{frac}" if places else fmt_int(int(whole))


def fmt_megabytes(size):
    """A size in bytes as `4,8 MB` (MiB, as the file managers of the users' machines count)."""
    return f"{fmt_decimal(size / 2 ** 20, 1)} MB"
