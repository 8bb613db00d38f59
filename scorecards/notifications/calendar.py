"""The iCalendar invitation of an interview: one UID per interview, SEQUENCE raised by moves.

A calendar keeps one event per UID and takes the invitation of the highest SEQUENCE, so a
move updates the event and a cancellation (METHOD:CANCEL) removes it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar, Event, vCalAddress, vText

REQUEST, CANCEL = "REQUEST", "CANCEL"
PRODUCT = "-//Scorecards//Interviews//EN"


def interview_uid(interview_id: int, domain: str) -> str:
    """Return the UID every invitation of one interview carries."""
    return f"interview-{interview_id}@{domain}"


def invitation(*, method: str, uid: str, sequence: int, start: datetime, minutes: int,
               summary: str, description: str, organizer: str, attendee: str,
               stamp: datetime) -> str:
    """Return an iCalendar object inviting one attendee to an interview, or cancelling it."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", start)  # aware UTC times are written as UTC ("...Z")
    event.add("dtend", start + timedelta(minutes=minutes))
    event.add("summary", summary)
    event.add("description", description)
    event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    event["organizer"] = vCalAddress(f"mailto:{organizer}")
    guest = vCalAddress(f"mailto:{attendee}")
    guest.params["role"] = vText("REQ-PARTICIPANT")
    guest.params["partstat"] = vText("NEEDS-ACTION")
    event.add("attendee", guest, encode=0)
    calendar.add_component(event)
    return calendar.to_ical().decode()
