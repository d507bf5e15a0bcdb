"""A readable name for the device a person signed in from ("Chrome Mobile on Android
14, Pixel 7"), for Profile → Devices. Parsed on this machine by ua-parser (uap-core's
maintained patterns, in ua-parser-builtins); the User-Agent is sent nowhere and not
kept: only the name is."""

from ua_parser import parse

# Longer headers are cut before parsing: no browser sends one, and the patterns' cost
# grows with the input.
LONGEST = 512
UNKNOWN = "Unknown device"


def device_name(user_agent: str) -> str:
    found = parse(user_agent[:LONGEST])
    browser = found.user_agent.family if found.user_agent else None
    system = None
    if found.os:
        system = " ".join(p for p in (found.os.family, found.os.major) if p)
    model = found.device.family if found.device and found.device.family != "Other" else None
    parts = [" on ".join(p for p in (browser, system) if p), model]
    name = ", ".join(p for p in parts if p)
    return name or UNKNOWN
