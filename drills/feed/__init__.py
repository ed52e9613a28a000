"""The crisis: scenarios, the seeded feed generator, and the signals monitoring sees."""
