"""What a learner's own work is checked against, and the exercises they practise on."""
