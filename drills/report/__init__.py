"""After-action reports (HSEEP AAR/IP) with figures, in English or Swedish."""
