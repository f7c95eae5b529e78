"""One router per resource; ``lupus.web.main`` includes them all."""
