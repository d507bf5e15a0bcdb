// Preselect the browser's own time zone; UTC stays chosen when it is not in the list.
const zoneSelect = document.querySelector('select[data-guess-time-zone="true"]');
if (zoneSelect && !zoneSelect.dataset.touched) {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && [...zoneSelect.options].some((option) => option.value === zone)) {
    zoneSelect.value = zone;
  }
}
