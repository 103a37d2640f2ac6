extension Ticket {
    /// The ticket as the API and the tools show it: the reference's fields first (`unique_id`,
    /// `device_id`, `error_code`, `time_stamp`, `troubleshooting_steps`, `anomaly_start`,
    /// `anomaly_end`), then the rest. Times are RFC 3339 text, as in the reference's table.
    public var json: JSONObject {
        var object: JSONObject = [
            "unique_id": .string(uniqueID), "device_id": .string(deviceID), "error_code": .string(errorCode),
            "time_stamp": Self.time(timeStamp),
            "troubleshooting_steps": .array(troubleshootingSteps.map(JSONValue.string)),
            "anomaly_start": anomalyStart.map(Self.time) ?? .null, "anomaly_end": anomalyEnd.map(Self.time) ?? .null,
            "status": .string(status.rawValue), "occurrences": .int(Int64(occurrences)),
            "last_occurrence_at": Self.time(lastOccurrenceAt),
        ]
        object["severity"] = severity.map(JSONValue.string) ?? .null
        object["title"] = title.map(JSONValue.string) ?? .null
        object["no_runbook"] = .bool(noRunbook)
        object["attention"] = .array(attention.map(JSONValue.string))
        object["event_id"] = .string(eventID)
        object["created_at"] = Self.time(createdAt)
        object["updated_at"] = Self.time(updatedAt)
        object["acknowledged_at"] = acknowledgedAt.map(Self.time) ?? .null
        object["acknowledged_by"] = acknowledgedBy.map(JSONValue.string) ?? .null
        object["resolved_at"] = resolvedAt.map(Self.time) ?? .null
        object["resolved_by"] = resolvedBy.map(JSONValue.string) ?? .null
        object["resolution"] = resolution.map(JSONValue.string) ?? .null
        object["fault_cleared_at"] = faultClearedAt.map(Self.time) ?? .null
        object["actions"] = .array(actions.map { .object($0.json) })
        object["plan"] = .object(plan)
        return object
    }

    static func time(_ seconds: Double) -> JSONValue { .string(CivilTime(epochSeconds: seconds).rfc3339) }
}

extension TicketAction {
    /// The action with its outcome, as the API shows it.
    public var json: JSONObject {
        var object: JSONObject = [
            "id": .int(id), "sequence": .int(Int64(sequence)), "tool": .string(tool),
            "status": .string(status.rawValue),
            "attempts": .int(Int64(attempts)), "created_at": Ticket.time(createdAt),
        ]
        object["started_at"] = startedAt.map(Ticket.time) ?? .null
        object["completed_at"] = completedAt.map(Ticket.time) ?? .null
        if status == .pending && attempts > 0 { object["next_attempt_at"] = Ticket.time(nextAttemptAt) }
        object["last_error"] = lastError.map(JSONValue.string) ?? .null
        object["result"] = result.map(JSONValue.object) ?? .null
        return object
    }
}

extension CallRequest {
    /// The call request as the API shows it.
    public var json: JSONObject {
        [
            "id": .string(id), "ticket_id": .string(ticketID), "action_id": .int(actionID),
            "device_id": .string(deviceID), "contact_name": contactName.map(JSONValue.string) ?? .null,
            "contact": contact.map(JSONValue.string) ?? .null, "message": .string(message),
            "status": .string(status.rawValue), "created_at": Ticket.time(createdAt),
            "attempts": .int(Int64(attempts)), "next_attempt_at": nextAttemptAt.map(Ticket.time) ?? .null,
            "roster": roster.map(JSONValue.string) ?? .null, "outcome": outcome.map(JSONValue.string) ?? .null,
            "updated_at": Ticket.time(updatedAt),
        ]
    }
}

extension CallAttempt {
    /// The attempt as the API shows it.
    public var json: JSONObject {
        [
            "call_id": .string(callID), "ticket_id": .string(ticketID), "attempt": .int(Int64(number)),
            "operator_index": .int(Int64(operatorIndex)), "operator": operatorName.map(JSONValue.string) ?? .null,
            "destination": .string(destination), "provider": .string(provider),
            "started_at": Ticket.time(startedAt), "answered_at": answeredAt.map(Ticket.time) ?? .null,
            "ended_at": Ticket.time(endedAt), "duration_seconds": .double((duration * 1000).rounded() / 1000),
            "outcome": .string(outcome.rawValue), "digits": .string(digits),
            "detail": detail.map(JSONValue.string) ?? .null,
            "transcript": .array(transcript.map(JSONValue.string)),
        ]
    }
}
