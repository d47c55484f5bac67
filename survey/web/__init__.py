"""HTTP layer: one blueprint per audience, plus app-wide sessions and headers."""
