"""What the guidance says, in CrampJournal's own words, each piece with its source.

The facts come from the two documents in shared/guidance/; the sentences are ours.
Every piece names the document it rests on, and the pages cite it by its title.
Relief steps follow the body region logged where the guidance allows; prevention tips
are ordered by what the person's own records show (see prevention_tips).
"""

from __future__ import annotations

from dataclasses import dataclass

from journal.models import BodyRegion


@dataclass(frozen=True)
class Document:
    """A guidance document, cited by its title (and publisher); its file name in
    shared/guidance/ is only an internal key and is never shown to anyone."""

    key: str
    title: str
    publisher: str = ""
    address: str = ""
    about: str = ""  # what it covers, for the list of documents cited

    def __str__(self) -> str:
        return f"{self.title} ({self.publisher})" if self.publisher else self.title


# The hamstring cramp guide: relief, triggers, prevention, when to seek advice.
HAMSTRING_GUIDE = Document(
    key="000_9ceedf01eea96f95.txt",
    title="Hamstring cramps: relief, causes and prevention",
    about="A patient guide to hamstring cramps: quick relief, triggers and causes, "
    "long-term prevention, and when to see a clinician. No publisher is named.",
)
# Muscle spasms and cramps in general: contributing factors, when to call a doctor.
SPASMS_GUIDE = Document(
    key="003_a0f224a8da8a6d70.txt",
    title="Muscle spasms and cramps: what can I do?",
    publisher="Physical Therapy Oregon",
    address="physicaltherapyoregon.com/blog/muscle-spasms-and-cramps-what-can-i-do/",
    about="An article on muscle spasms and cramps in general: the factors that "
    "contribute to them, and when to call a doctor.",
)
# Every document the app cites, for the pages that list them.
DOCUMENTS = (HAMSTRING_GUIDE, SPASMS_GUIDE)
# Short names for the templates that cite a document in fixed text.
BY_NAME = {"hamstring": HAMSTRING_GUIDE, "spasms": SPASMS_GUIDE}


@dataclass(frozen=True)
class Advice:
    key: str
    title: str
    text: str
    source: Document


# Relief, straight after a cramp ----------------------------------------------------------

STRETCH = Advice(
    "stretch",
    "Stretch it gently",
    "A cramp is a muscle stuck short, so lengthen it: move the joint so the muscle is "
    "drawn out, gently, to a light pull. Stay there for about half a minute, longer if "
    "the pain has not eased, and come out of it slowly.",
    HAMSTRING_GUIDE,
)
HAMSTRING_SEATED = Advice(
    "stretch_seated",
    "Sitting or lying down",
    "Straighten the cramped leg in front of you and slowly draw your toes back towards "
    "your shin. Hold for about 30 seconds, or until the pain settles, then release slowly.",
    HAMSTRING_GUIDE,
)
HAMSTRING_STANDING = Advice(
    "stretch_standing",
    "Standing up",
    "Put the heel of the cramped leg up on a low step or stool. With that knee kept "
    "straight, lean your body forward from the hips until the back of the thigh feels a "
    "light pull. About 30 seconds; then ease back up.",
    HAMSTRING_GUIDE,
)
MASSAGE = Advice(
    "massage",
    "Rub it",
    "Once the stretch is done, work the muscle with your hands or roll it on a foam "
    "roller: steady, firm, not hard. This helps it loosen and brings blood to it.",
    HAMSTRING_GUIDE,
)
WARMTH = Advice(
    "warmth",
    "Warmth, once the worst has passed",
    "When the sharp pain is gone, heat helps with the tightness that lingers: try a "
    "heating pad, a towel warmed up, or a soak in the bath.",
    HAMSTRING_GUIDE,
)
ICE = Advice(
    "ice",
    "Cold for soreness",
    "For soreness that hangs on afterwards, cold can help: wrap the ice pack in a cloth first.",
    HAMSTRING_GUIDE,
)


def relief_steps(region: str) -> list[Advice]:
    """What to do during and just after a cramp, for the body region logged.

    The guidance describes the hamstring stretch in a seated and a standing version;
    for other muscles it gives the principle (stretch against the pull) and the rest.
    """
    if region == BodyRegion.HAMSTRING:
        stretches = [HAMSTRING_SEATED, HAMSTRING_STANDING]
    else:
        stretches = [STRETCH]
    return [*stretches, MASSAGE, WARMTH, ICE]


# Prevention ---------------------------------------------------------------------------

PRESCRIBER = Advice(
    "prescriber",
    "Talk to your prescriber about your medicines",
    "Diuretics (water pills) and some statins can make cramps more likely, by changing "
    "the body's fluid balance or how muscles work. If you take one, mention your cramps "
    "to whoever prescribes it. Do not stop or change a medicine on your own.",
    HAMSTRING_GUIDE,
)
FLUIDS = Advice(
    "fluids",
    "Drink steadily through the day",
    "Muscles need enough fluid to work well, and being short of it is a common factor "
    "in cramps. Spread your drinks across the whole day rather than catching up later.",
    HAMSTRING_GUIDE,
)
ELECTROLYTES = Advice(
    "electrolytes",
    "Replace salts when you sweat a lot",
    "Heavy sweating and long exercise use up sodium and other electrolytes. On those "
    "days a drink with electrolytes in it can do more than plain water.",
    HAMSTRING_GUIDE,
)
MINERALS = Advice(
    "minerals",
    "Potassium and magnesium in your meals",
    "Nerves and muscles rely on these minerals to signal. Bananas and spinach bring "
    "potassium; nuts, seeds and whole grains bring magnesium.",
    HAMSTRING_GUIDE,
)
FUEL = Advice(
    "fuel",
    "Keep your muscles fuelled",
    "Muscles use their store of carbohydrate (glycogen) to tighten and to relax again. "
    "Eating enough carbohydrate keeps that store from running down.",
    HAMSTRING_GUIDE,
)
WARM_UP = Advice(
    "warm_up",
    "Warm up with movement before exercise",
    "Start a workout with a dynamic warm-up (gentle moving drills) rather than holding "
    "static stretches first.",
    HAMSTRING_GUIDE,
)
GRADUAL = Advice(
    "gradual",
    "Build up gradually",
    "Raise how hard and how long you train a little at a time. Muscles adapt, and you "
    "avoid the fatigue that sets off many exercise cramps.",
    HAMSTRING_GUIDE,
)
STRETCHING = Advice(
    "stretching",
    "Stretch gently between workouts",
    "Regular light stretching on other days keeps muscles supple and less ready to seize up.",
    HAMSTRING_GUIDE,
)
POSTURE = Advice(
    "posture",
    "Break up long sitting and mind your posture",
    "Sitting for a long time and slumped postures are linked with muscle spasms. Get up "
    "and move regularly, and set up your seat so you sit upright.",
    SPASMS_GUIDE,
)
STRESS_SLEEP = Advice(
    "stress_sleep",
    "Stress and sleep",
    "Stress shows in the body as tight shoulders, held breath and poor sleep, and all "
    "of these can feed muscle spasms. Looking after stress and sleep is part of looking "
    "after your muscles.",
    SPASMS_GUIDE,
)

PREVENTION = (
    PRESCRIBER,
    FLUIDS,
    ELECTROLYTES,
    MINERALS,
    FUEL,
    WARM_UP,
    GRADUAL,
    STRETCHING,
    POSTURE,
    STRESS_SLEEP,
)


@dataclass(frozen=True)
class Evidence:
    """What a person's own records point to; each field says why a tip comes first."""

    medicines: tuple[str, ...] = ()  # active diuretics or statins, by name
    low_fluid: str = ""
    exercise_without_warm_up: str = ""
    sitting: str = ""
    sweating: str = ""
    stress_or_sleep: str = ""


@dataclass(frozen=True)
class Tip:
    advice: Advice
    why: str  # why it comes first for this person; empty for the general tips


def prevention_tips(evidence: Evidence) -> list[Tip]:
    """Every prevention tip, the ones the person's records point to first."""
    leading: list[Tip] = []
    if evidence.medicines:
        names = ", ".join(evidence.medicines)
        leading.append(Tip(PRESCRIBER, f"Your medicine list has {names} in use now."))
    if evidence.low_fluid:
        leading.append(Tip(FLUIDS, evidence.low_fluid))
    if evidence.sweating:
        leading.append(Tip(ELECTROLYTES, evidence.sweating))
    if evidence.exercise_without_warm_up:
        # Both answer the same finding; it is said once, with the first.
        leading += [Tip(WARM_UP, evidence.exercise_without_warm_up), Tip(GRADUAL, "")]
    if evidence.sitting:
        leading.append(Tip(POSTURE, evidence.sitting))
    if evidence.stress_or_sleep:
        leading.append(Tip(STRESS_SLEEP, evidence.stress_or_sleep))
    chosen = {tip.advice.key for tip in leading}
    # The prescriber tip only makes sense for someone taking such a medicine.
    rest = [
        Tip(advice, "")
        for advice in PREVENTION
        if advice.key not in chosen and advice is not PRESCRIBER
    ]
    return leading + rest


# Triggers and causes -------------------------------------------------------------------


@dataclass(frozen=True)
class Cause:
    title: str
    text: str
    sources: tuple[Document, ...]


CAUSES = (
    Cause(
        "Fluid and salts",
        "Nerves and muscles need fluid and minerals such as potassium, magnesium and "
        "calcium to pass their signals. Heavy sweating, heat, hard effort or too little "
        "in the diet can run them down, and then nerves fire too easily and the muscle "
        "tightens on its own.",
        (HAMSTRING_GUIDE, SPASMS_GUIDE),
    ),
    Cause(
        "Tired and overworked muscles",
        "Long or hard effort, above all without the fitness for it, upsets the balance "
        "between the signals that tell a muscle to tighten and those that tell it to "
        "let go. Overdoing it at home counts as much as at the gym.",
        (HAMSTRING_GUIDE, SPASMS_GUIDE),
    ),
    Cause(
        "Pressure on nerves in the spine",
        "A squeezed nerve in the back can send pain and cramps down into the legs, which "
        "may get worse with walking or in some positions.",
        (HAMSTRING_GUIDE,),
    ),
    Cause(
        "Medicines",
        "Diuretics and some statins can make cramps more likely, through fluid balance or "
        "through the muscles themselves.",
        (HAMSTRING_GUIDE,),
    ),
    Cause(
        "An old injury",
        "After a strain, the body can keep a muscle on guard against being hurt again, "
        "and a guarded muscle is readier to spasm.",
        (SPASMS_GUIDE,),
    ),
    Cause(
        "Long sitting and posture",
        "Sitting for long stretches and poor posture are among the factors linked with spasms.",
        (SPASMS_GUIDE,),
    ),
    Cause(
        "Stress and sleep",
        "Stress tightens shoulders and breathing and spoils sleep, and the muscles feel it.",
        (SPASMS_GUIDE,),
    ),
    Cause(
        "Diet",
        "What you eat may play a part, through minerals and through the carbohydrate "
        "muscles run on.",
        (HAMSTRING_GUIDE, SPASMS_GUIDE),
    ),
)


# When to seek advice --------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    text: str
    sources: tuple[Document, ...]


SEEK_ADVICE = (
    Reason(
        "Cramps that come often, or so often they have become a regular part of life.",
        (HAMSTRING_GUIDE, SPASMS_GUIDE),
    ),
    Reason(
        "Cramps that are very painful, or pain you cannot bring under control.",
        (HAMSTRING_GUIDE, SPASMS_GUIDE),
    ),
    Reason(
        "Cramps that keep coming even though you are doing the things meant to prevent them.",
        (HAMSTRING_GUIDE,),
    ),
    Reason("Muscle weakness along with the cramps.", (HAMSTRING_GUIDE,)),
    Reason("Numbness in one leg or both.", (HAMSTRING_GUIDE, SPASMS_GUIDE)),
    Reason("Swelling you can see where the cramp is.", (HAMSTRING_GUIDE, SPASMS_GUIDE)),
    Reason("Redness of the area.", (HAMSTRING_GUIDE,)),
    Reason("Any change in the skin there.", (HAMSTRING_GUIDE, SPASMS_GUIDE)),
    Reason("Cramps that stop you sleeping.", (SPASMS_GUIDE,)),
)

# The sentences every page, the report and the PDF that need them read from here.
NOT_A_DIAGNOSIS = (
    "Flags say a pattern is worth discussing with a clinician; they are not a diagnosis."
)
URGENT_CARE = (
    "Symptoms that come on suddenly, are severe, or are getting worse need urgent care: "
    "call your local emergency number or an urgent care service rather than waiting for "
    "an appointment."
)
URGENT = f"{NOT_A_DIAGNOSIS} {URGENT_CARE}"
PATIENT_REPORTED = (
    "Patient-reported, not clinically verified. Recorded with CrampJournal, which does not "
    "diagnose."
)
