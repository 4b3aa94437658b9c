"""The review queue: candidates apart from accepted claims (`queue`: find, items, queue_dir);
`accept`: accept, edit, reject; `conflicts`: sources that disagree. Nothing is imported here,
so `show` and the entity page, which ask `conflicts` only, do not load the writing side."""
