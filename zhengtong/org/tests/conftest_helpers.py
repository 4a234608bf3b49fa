# A password that meets the policy (10+ characters, three classes, not the user name).
GOOD_PASSWORD = "Reset-Pass-2026"
