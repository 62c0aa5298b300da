"""A learner's own work: claims about gradients (claims.py), the quiz's boxes and their
judging (quiz.py), and the exercises they practise on (exercises.py)."""
