//! How a cook's move on one line moves its ticket, and what each move announces.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::modules::kitchen::api::events::{self as ev, TicketEvent};
use crate::modules::kitchen::api::{KitchenError, LineStatus, Ticket, TicketStatus};

/// A cook's move on one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineMove {
    Start,
    Finish,
}

impl LineMove {
    /// The status the line must be in, and the one the move gives it.
    pub fn statuses(self) -> (LineStatus, LineStatus) {
        match self {
            Self::Start => (LineStatus::Queued, LineStatus::Started),
            Self::Finish => (LineStatus::Started, LineStatus::Done),
        }
    }
}

/// What a move changes besides the line: the ticket's new status, and the events to publish
/// (type and payload), in order.
#[derive(Debug)]
pub struct LineChange {
    pub ticket_status: Option<TicketStatus>,
    pub events: Vec<(&'static str, TicketEvent)>,
}

impl LineChange {
    /// `ticket` as `step` on its line `line_id` leaves it at `at`: the line in its new status,
    /// and the ticket in its own (changed `at`) when the move changes it.
    pub fn applied(
        &self,
        mut ticket: Ticket,
        line_id: &str,
        step: LineMove,
        at: DateTime<Utc>,
    ) -> Ticket {
        let (_, to) = step.statuses();
        for line in ticket.lines.iter_mut().filter(|l| l.id == line_id) {
            line.status = to;
        }
        if let Some(status) = self.ticket_status {
            ticket.status = status;
            ticket.updated_at = at;
        }
        ticket
    }
}

/// Decides `step` on line `line_id` of `ticket` as it stands.
pub fn move_line(
    ticket: &Ticket,
    line_id: &str,
    step: LineMove,
) -> Result<LineChange, KitchenError> {
    let line = ticket
        .lines
        .iter()
        .find(|l| l.id == line_id)
        .ok_or_else(|| {
            KitchenError::NotFound(format!("no line {line_id} on ticket {}", ticket.id))
        })?;
    if matches!(
        ticket.status,
        TicketStatus::Scheduled | TicketStatus::Ready | TicketStatus::Cancelled
    ) {
        return Err(KitchenError::Conflict(format!(
            "the ticket is {}",
            <&str>::from(ticket.status)
        )));
    }
    let (from, _) = step.statuses();
    if line.status != from {
        return Err(line_not_in(line.status, from));
    }
    let on_line = Some((line_id, line.station.as_str()));
    let mut change = LineChange {
        ticket_status: None,
        events: Vec::new(),
    };
    match step {
        LineMove::Start => {
            if ticket.status == TicketStatus::Queued {
                change.ticket_status = Some(TicketStatus::InPreparation);
                change
                    .events
                    .push((ev::TICKET_STARTED, announcement(ticket, None)));
            }
            change
                .events
                .push((ev::LINE_STARTED, announcement(ticket, on_line)));
        }
        LineMove::Finish => {
            change
                .events
                .push((ev::LINE_DONE, announcement(ticket, on_line)));
            let others_done = ticket
                .lines
                .iter()
                .all(|l| l.id == line_id || l.status == LineStatus::Done);
            if others_done {
                change.ticket_status = Some(TicketStatus::Ready);
                change
                    .events
                    .push((ev::TICKET_READY, announcement(ticket, None)));
            }
        }
    }
    Ok(change)
}

/// The conflict of a line found in another status than the move needs.
pub fn line_not_in(actual: LineStatus, needed: LineStatus) -> KitchenError {
    KitchenError::Conflict(format!(
        "the line is {}, not {}",
        <&str>::from(actual),
        <&str>::from(needed)
    ))
}

/// A cancelled order stops its ticket only while it is still being worked on.
pub fn cancellable(status: TicketStatus) -> bool {
    matches!(
        status,
        TicketStatus::Scheduled | TicketStatus::Queued | TicketStatus::InPreparation
    )
}

/// The payload announcing a move: a line's station for line events (`line` given), every
/// station with work on the ticket for ticket events.
pub fn announcement(ticket: &Ticket, line: Option<(&str, &str)>) -> TicketEvent {
    let mut stations: Vec<String> = match line {
        None => ticket.lines.iter().map(|l| l.station.clone()).collect(),
        Some(_) => Vec::new(),
    };
    stations.sort();
    stations.dedup();
    TicketEvent {
        order_id: ticket.order_id.clone(),
        ticket_id: ticket.id.clone(),
        venue_id: Some(ticket.venue_id.clone()),
        line_id: line.map(|l| l.0.to_owned()),
        station: line.map(|l| l.1.to_owned()),
        stations,
    }
}

/// Whether a kitchen event's payload concerns one of `venues`' kitchens (events from before
/// venues are the default venue's).
pub fn at_venues(payload: &Value, venues: &[String], default_venue: &str) -> bool {
    let venue = payload["venue_id"].as_str().unwrap_or(default_venue);
    venues.iter().any(|v| v == venue)
}

/// Whether a kitchen event's payload concerns `station`: its line is there, or the ticket
/// has work there.
pub fn concerns(payload: &Value, station: &str) -> bool {
    payload["station"] == station
        || payload["stations"]
            .as_array()
            .is_some_and(|all| all.iter().any(|s| s == station))
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::modules::kitchen::api::TicketLine;

    fn line(id: &str, station: &str, status: LineStatus) -> TicketLine {
        TicketLine {
            id: id.into(),
            station: station.into(),
            name: "Flat white".into(),
            quantity: 1,
            options: vec![],
            status,
        }
    }

    fn ticket(status: TicketStatus, lines: Vec<TicketLine>) -> Ticket {
        Ticket {
            id: "tkt_1".into(),
            order_id: "ord_1".into(),
            venue_id: "ven_default".into(),
            status,
            lines,
            release_at: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn types(change: &LineChange) -> Vec<&str> {
        change.events.iter().map(|(t, _)| *t).collect()
    }

    #[test]
    fn the_first_start_puts_the_ticket_in_preparation() {
        let t = ticket(
            TicketStatus::Queued,
            vec![
                line("l1", "bar", LineStatus::Queued),
                line("l2", "grill", LineStatus::Queued),
            ],
        );
        let change = move_line(&t, "l1", LineMove::Start).unwrap();
        assert_eq!(change.ticket_status, Some(TicketStatus::InPreparation));
        assert_eq!(types(&change), [ev::TICKET_STARTED, ev::LINE_STARTED]);
        assert_eq!(change.events[0].1.stations, ["bar", "grill"]);
        assert_eq!(change.events[1].1.station.as_deref(), Some("bar"));
        assert!(change.events[1].1.stations.is_empty());
    }

    #[test]
    fn a_move_leaves_its_line_in_the_new_status_and_the_ticket_changed_only_when_it_moves() {
        let t = ticket(
            TicketStatus::InPreparation,
            vec![
                line("l1", "bar", LineStatus::Done),
                line("l2", "grill", LineStatus::Started),
                line("l3", "grill", LineStatus::Queued),
            ],
        );
        let at = t.updated_at + chrono::TimeDelta::seconds(30);
        let started = move_line(&t, "l3", LineMove::Start).unwrap();
        let after = started.applied(t.clone(), "l3", LineMove::Start, at);
        let statuses = |t: &Ticket| t.lines.iter().map(|l| l.status).collect::<Vec<_>>();
        use LineStatus::{Done, Started};
        assert_eq!(statuses(&after), [Done, Started, Started]);
        assert_eq!(
            (after.status, after.updated_at),
            (TicketStatus::InPreparation, t.updated_at)
        );

        let done = move_line(&after, "l2", LineMove::Finish).unwrap();
        let after = done.applied(after, "l2", LineMove::Finish, at);
        assert_eq!(statuses(&after), [Done, Done, Started]);
        let done = move_line(&after, "l3", LineMove::Finish).unwrap();
        let after = done.applied(after, "l3", LineMove::Finish, at);
        assert_eq!(statuses(&after), [Done, Done, Done]);
        assert_eq!((after.status, after.updated_at), (TicketStatus::Ready, at));
    }

    #[test]
    fn a_later_start_only_announces_the_line() {
        let t = ticket(
            TicketStatus::InPreparation,
            vec![
                line("l1", "bar", LineStatus::Started),
                line("l2", "grill", LineStatus::Queued),
            ],
        );
        let change = move_line(&t, "l2", LineMove::Start).unwrap();
        assert_eq!(change.ticket_status, None);
        assert_eq!(types(&change), [ev::LINE_STARTED]);
    }

    #[test]
    fn finishing_the_last_line_makes_the_ticket_ready() {
        let t = ticket(
            TicketStatus::InPreparation,
            vec![
                line("l1", "bar", LineStatus::Done),
                line("l2", "grill", LineStatus::Started),
            ],
        );
        let change = move_line(&t, "l2", LineMove::Finish).unwrap();
        assert_eq!(change.ticket_status, Some(TicketStatus::Ready));
        assert_eq!(types(&change), [ev::LINE_DONE, ev::TICKET_READY]);
    }

    #[test]
    fn finishing_one_of_several_lines_leaves_the_ticket_in_preparation() {
        let t = ticket(
            TicketStatus::InPreparation,
            vec![
                line("l1", "bar", LineStatus::Started),
                line("l2", "grill", LineStatus::Started),
            ],
        );
        let change = move_line(&t, "l1", LineMove::Finish).unwrap();
        assert_eq!(change.ticket_status, None);
        assert_eq!(types(&change), [ev::LINE_DONE]);
    }

    #[test]
    fn a_held_ticket_is_not_cooked_before_its_release_but_may_be_cancelled() {
        let held = ticket(
            TicketStatus::Scheduled,
            vec![line("l1", "bar", LineStatus::Queued)],
        );
        assert!(matches!(
            move_line(&held, "l1", LineMove::Start),
            Err(KitchenError::Conflict(_))
        ));
        assert!(cancellable(TicketStatus::Scheduled));
    }

    #[test]
    fn moves_out_of_order_or_on_a_closed_ticket_conflict() {
        let queued = ticket(
            TicketStatus::Queued,
            vec![line("l1", "bar", LineStatus::Queued)],
        );
        let err = move_line(&queued, "l1", LineMove::Finish).unwrap_err();
        assert_eq!(err.to_string(), "the line is queued, not started");
        assert!(matches!(
            move_line(&queued, "l9", LineMove::Start),
            Err(KitchenError::NotFound(_))
        ));
        for closed in [TicketStatus::Ready, TicketStatus::Cancelled] {
            let t = ticket(closed, vec![line("l1", "bar", LineStatus::Queued)]);
            assert!(matches!(
                move_line(&t, "l1", LineMove::Start),
                Err(KitchenError::Conflict(_))
            ));
        }
    }

    #[test]
    fn only_open_tickets_are_cancelled() {
        assert!(cancellable(TicketStatus::Queued));
        assert!(cancellable(TicketStatus::InPreparation));
        assert!(!cancellable(TicketStatus::Ready));
        assert!(!cancellable(TicketStatus::Cancelled));
    }

    #[test]
    fn an_event_concerns_its_line_s_station_or_the_ticket_s_stations() {
        let line_event = serde_json::json!({"station": "bar"});
        let ticket_event = serde_json::json!({"stations": ["bar", "grill"]});
        assert!(concerns(&line_event, "bar"));
        assert!(!concerns(&line_event, "grill"));
        assert!(concerns(&ticket_event, "grill"));
        assert!(!concerns(&ticket_event, "pastry"));
    }

    #[test]
    fn an_event_belongs_to_its_venue_and_old_ones_to_the_default_venue() {
        let mine = vec!["ven_a".to_owned()];
        let at_a = serde_json::json!({"ticket_id": "tkt_1", "venue_id": "ven_a"});
        let at_b = serde_json::json!({"ticket_id": "tkt_2", "venue_id": "ven_b"});
        let before_venues = serde_json::json!({"ticket_id": "tkt_3"});
        assert!(at_venues(&at_a, &mine, "ven_default"));
        assert!(!at_venues(&at_b, &mine, "ven_default"));
        assert!(!at_venues(&before_venues, &mine, "ven_default"));
        assert!(at_venues(
            &before_venues,
            &["ven_default".to_owned()],
            "ven_default"
        ));
    }
}
