"""Events and webinars: registrations, waitlists, reminders and follow-up."""
