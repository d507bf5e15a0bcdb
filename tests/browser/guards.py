"""Checks the browser fixtures run on every context a test used."""


def leftover_storage(context) -> list[str]:
    """Health data never stays on the device: whatever any origin left in localStorage."""
    return [
        f"localStorage used: {origin['origin']} {[item['name'] for item in origin['localStorage']]}"
        for origin in context.storage_state()["origins"]
        if origin["localStorage"]
    ]
