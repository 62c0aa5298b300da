"""What a learner's own work is checked against: claims about gradients (claims.py)."""
