"""``drill serve``: live tabletop drills in the browser, over the live-drill core."""
