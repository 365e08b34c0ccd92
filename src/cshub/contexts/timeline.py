from cshub.people.timeline import TimelineEntry


def context_events(person):
    for link in person.place_links.all():
        yield TimelineEntry(
            link.first_seen, f"{link.get_kind_display()} {link.place}", link.notes, "Place"
        )
    for link in person.group_links.all():
        yield TimelineEntry(link.first_seen, f"Linked to group {link.group}", link.notes, "Group")
