"""What leaves the app for the person or their clinician: CSV now, the report later."""
