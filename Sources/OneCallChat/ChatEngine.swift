import OneCallCore
import OneCallKnowledge
import OneCallStorage
import Synchronization

/// The QnA chat: answers operators' questions about devices, error codes, tickets, telemetry and the
/// guides from stored data, and says so when the data holds no answer. Deterministic, read-only and
/// safe to call from many tasks at once; each session keeps a bounded context for follow-ups.
public final class ChatEngine: Sendable {
    /// The limits in force.
    public let configuration: ChatConfiguration
    let source: ChatDataSource
    private let sessions: Mutex<ChatSessionTable>

    /// An engine reading from `dataSource`, within `configuration`'s limits.
    public init(dataSource: ChatDataSource, configuration: ChatConfiguration = .default) {
        self.source = dataSource
        self.configuration = configuration
        self.sessions = Mutex(
            ChatSessionTable(
                maximumSessions: configuration.maximumSessions, idleSeconds: configuration.sessionIdleSeconds))
    }

    /// Answers `message` in the conversation `session` (any id of at most 128 bytes; a new id starts
    /// a new conversation). Throws a ``ChatError`` for a message or session id over the limits, and
    /// passes on the stores' errors.
    public func answer(_ message: String, session: String) async throws -> ChatAnswer {
        guard message.utf8.count <= configuration.maximumMessageBytes else {
            throw ChatError(
                .messageTooLong,
                "the message has \(message.utf8.count) bytes; the limit is \(configuration.maximumMessageBytes)")
        }
        guard message.contains(where: { !$0.isWhitespace }) else {
            throw ChatError(.emptyMessage, "the message is empty")
        }
        guard !session.isEmpty, session.utf8.count <= configuration.maximumSessionIDBytes else {
            throw ChatError(
                .invalidSession, "a session id must have 1 to \(configuration.maximumSessionIDBytes) bytes")
        }

        let now = source.clock()
        let context = sessions.withLock { $0.context(of: session, now: now) }
        let index = source.knowledge()
        let registry = try await source.devices.devices()
        var question = ChatQuestion(
            message, deviceIDs: registry.map(\.id), knowledge: index,
            maximumWindowSeconds: configuration.maximumWindowSeconds)
        try await recognizeUnregisteredDevices(in: &question)

        var recent: [ChatReading] = []
        if let target = question.deviceIDs.first ?? context.deviceID {
            recent = try await newestReadings(of: target, limit: 20)
        }
        let request = ChatRequest.decide(question, context: context, fieldNames: Self.fieldNames(of: recent))
        let turn = ChatTurnInput(
            now: now, index: index, registry: registry, context: context, question: question, recent: recent)
        let (answer, next) = try await respond(to: request, turn)
        sessions.withLock {
            $0.update(
                session, context: next, turn: ChatTurn(question: message, intent: answer.intent, time: now), now: now,
                historyLimit: configuration.maximumHistory)
        }
        return answer
    }

    /// How many sessions are kept now.
    public var sessionCount: Int { sessions.withLock { $0.sessions.count } }

    /// Forgets the conversation `session`.
    public func forget(session: String) {
        sessions.withLock { $0.remove(session) }
    }

    /// The questions and intents of `session`, oldest first (at most `maximumHistory`).
    func history(of session: String) -> [ChatTurn] {
        sessions.withLock { $0.sessions[session]?.history ?? [] }
    }

    // MARK: - Dispatch

    private func respond(
        to request: ChatRequest, _ turn: ChatTurnInput
    ) async throws -> (ChatAnswer, ChatSessionContext) {
        var next = turn.context
        next.intent = request.intent
        let answer: ChatAnswer
        switch request {
        case .device(let id):
            answer = try await deviceAnswer(id, turn)
            next = ChatSessionContext(intent: .device, deviceID: id)
        case .unknownDevice(let name):
            answer = unknownDeviceAnswer(name, turn)
            next.intent = turn.context.intent
        case .deviceNeeded:
            answer = ChatAnswer(
                answer: "Which device do you mean? No device has come up in this conversation yet; name one, "
                    + "as in “tell me about the device ID”.",
                facts: [], intent: ChatIntent.device.rawValue)
            next.intent = turn.context.intent
        case .errorCode(let code):
            answer = errorCodeAnswer(code, turn)
            next.code = code
        case .unknownCode(let code):
            answer = errorCodeAnswer(code, turn)
        case .deviceTicket(let device, let ticket):
            answer = try await deviceTicketAnswer(device: device, ticketID: ticket, turn)
            next.deviceID = device
            next.ticketID = ticket
        case .deviceCode(let device, let code):
            let tickets = try await source.tickets.tickets(TicketQuery(deviceID: device, errorCode: code, limit: 1))
            if let ticket = tickets.first {
                answer = try await deviceTicketAnswer(device: device, ticketID: ticket.uniqueID, turn)
                next.ticketID = ticket.uniqueID
            } else {
                let guide = errorCodeAnswer(code, turn)
                answer = ChatAnswer(
                    answer: "\(ChatFormat.code(device)) has no ticket for \(ChatFormat.code(code)).\n\n" + guide.answer,
                    facts: guide.facts, intent: ChatIntent.errorCode.rawValue, grounded: guide.grounded)
                next.code = code
            }
            next.deviceID = device
        case .ticketStatus(let ticketID, let asked):
            let (reply, ticket) = try await ticketStatusAnswer(ticketID, asked: asked, turn)
            answer = reply
            if let ticket {
                next.ticketID = ticket.uniqueID
                next.deviceID = ticket.deviceID
            }
        case .ticketList(let device, let filter):
            answer = try await ticketListAnswer(device: device, filter: filter, turn)
            next.deviceID = device ?? next.deviceID
            next.ticketFilter = filter
        case .problems:
            answer = try await problemsAnswer(turn)
        case .telemetry(let telemetry):
            answer = try await telemetryAnswer(telemetry, turn)
            next.deviceID = telemetry.deviceID
            next.fieldWords = telemetry.fieldWords
            next.statistic = telemetry.statistic
            next.window = telemetry.window
        case .knowledge(let query, let unknownName):
            answer = knowledgeAnswer(query, unknownName: unknownName, turn)
        }
        return (answer, next)
    }

    // MARK: - Shared reads

    /// Moves names that match no registered device but have stored readings to the question's devices.
    private func recognizeUnregisteredDevices(in question: inout ChatQuestion) async throws {
        for entry in question.unknownNames.prefix(3) where entry.role != .code {
            let readings = try await source.telemetry.readings(TelemetryQuery(deviceID: entry.name, limit: 1))
            guard !readings.isEmpty else { continue }
            question.deviceIDs.append(entry.name)
            question.unknownNames.removeAll { $0.name == entry.name }
        }
    }

    /// The newest readings of `device`, newest first.
    func newestReadings(of device: String, limit: Int, from: Double? = nil, to: Double? = nil) async throws
        -> [ChatReading]
    {
        let records = try await source.telemetry.readings(
            TelemetryQuery(deviceID: device, from: from, to: to, limit: limit, newestFirst: true))
        return records.compactMap { ChatReading($0, maximumFields: configuration.maximumFields) }
    }

    /// The field names of `readings`, in the order they first appear.
    static func fieldNames(of readings: [ChatReading]) -> [String] {
        var seen = Set<String>()
        var names: [String] = []
        for reading in readings {
            for field in reading.fields where seen.insert(field.name).inserted { names.append(field.name) }
        }
        return names
    }

    /// The stored ticket `id` (as written, else in lowercase).
    func storedTicket(_ id: String) async throws -> Ticket? {
        if let ticket = try await source.tickets.ticket(id: id) { return ticket }
        let lower = id.lowercased()
        return lower == id ? nil : try await source.tickets.ticket(id: lower)
    }
}
