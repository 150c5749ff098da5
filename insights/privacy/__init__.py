"""Privacy: what the GDPR asks of a tool holding customer data — erasure (art. 17), suppression and unsubscribe
lists (art. 21), consent as data, retention (art. 5(1)(e)), pseudonymised exports and the privacy log."""
