"""The service directory: its model, filters and the Open Referral UK export."""
