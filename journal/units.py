"""Fluid units: stored in millilitres, shown and typed in the person's unit."""

from decimal import ROUND_HALF_UP, Decimal

ML_PER_FL_OZ = Decimal("29.5735295625")  # US fluid ounce
MAX_FLUID_ML = 15_000  # 15 litres in 24 hours: beyond that a value is a typo


def to_ml(amount: Decimal, unit: str) -> int:
    """Convert an amount typed in ``unit`` ("ml" or "floz") to whole millilitres."""
    ml = amount * ML_PER_FL_OZ if unit == "floz" else amount
    return int(ml.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_ml(ml: int, unit: str) -> Decimal:
    """Convert stored millilitres to the person's unit, rounded for display and editing."""
    if unit == "floz":
        return (Decimal(ml) / ML_PER_FL_OZ).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return Decimal(ml)


def max_in_unit(unit: str) -> Decimal:
    return from_ml(MAX_FLUID_ML, unit) if unit == "floz" else Decimal(MAX_FLUID_ML)
