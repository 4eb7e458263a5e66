"""HubSpot two-way sync: leads ↔ contacts, companies ↔ companies, demo bookings ↔ meetings.

``client`` builds the official SDK client and classifies failures, ``mapping`` says which
fields map where and who owns them, ``sync`` holds the services (push, pull, apply,
erase), ``webhooks`` verifies v3 signatures."""
