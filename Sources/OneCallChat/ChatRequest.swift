import OneCallCore

/// What the engine will answer, decided from a question and the session's context.
enum ChatRequest: Sendable {
    case device(String)
    /// A device the registry and the telemetry store do not know.
    case unknownDevice(String)
    case errorCode(String)
    /// A code that no guide covers.
    case unknownCode(String)
    case deviceTicket(deviceID: String, ticketID: String)
    /// A code on a named device ("E2 on unit-7"): that device's newest ticket for the code, else the
    /// code from the guides.
    case deviceCode(deviceID: String, code: String)
    case ticketStatus(ticketID: String, asked: Ticket.Status?)
    case ticketList(deviceID: String?, filter: ChatTicketFilter)
    case problems
    case telemetry(ChatTelemetryRequest)
    /// A question about "it" with no device named in it or before it.
    case deviceNeeded
    /// A search of the guides; `unknownName` is a name that matched nothing, said when nothing is found.
    case knowledge(query: String, unknownName: String?)

    /// The intent a request answers.
    var intent: ChatIntent {
        switch self {
        case .device, .unknownDevice, .deviceNeeded: return .device
        case .errorCode, .unknownCode: return .errorCode
        case .deviceTicket, .deviceCode: return .deviceTicket
        case .ticketStatus: return .ticketStatus
        case .ticketList: return .ticketList
        case .problems: return .problems
        case .telemetry: return .telemetry
        case .knowledge: return .knowledge
        }
    }

    /// Decides what `question` asks, given the session's `context` and the fields of the readings of
    /// the device it is about (the one named, else the context's).
    static func decide(_ question: ChatQuestion, context: ChatSessionContext, fieldNames: [String]) -> ChatRequest {
        let vocabulary = ChatVocabulary.self
        let named = question.deviceIDs.first
        let unknownDevice = question.unknownNames.first { $0.role == .device }?.name
        let unknownCode = question.unknownNames.first { $0.role == .code }?.name
        let usesPronoun = question.has(vocabulary.pronouns) || question.isFollowUp
        let contextDevice = usesPronoun ? context.deviceID : nil
        let fields = ChatFieldMatcher.match(question.contentWords, in: fieldNames).fields
        let telemetryWords =
            question.statistic != nil || question.window != nil || question.has(vocabulary.summaryWords)
            || !fields.isEmpty

        // Tickets by id.
        if let ticket = question.ticketIDs.first {
            if let named { return .deviceTicket(deviceID: named, ticketID: ticket) }
            if let unknownDevice { return .unknownDevice(unknownDevice) }
            return .ticketStatus(ticketID: ticket, asked: question.askedStatus)
        }
        // Lists of tickets.
        if question.has(vocabulary.ticketWords) {
            if named == nil, let unknownDevice { return .unknownDevice(unknownDevice) }
            let device = named ?? (question.has(vocabulary.pronouns) ? context.deviceID : nil)
            let filter = ChatTicketFilter.asked(by: question, fallback: device == nil ? .unresolved : .all)
            return .ticketList(deviceID: device, filter: filter)
        }
        // Error codes, on a device or by themselves.
        if let code = question.codes.first, let named, !telemetryWords || question.has(vocabulary.errorWords) {
            return .deviceCode(deviceID: named, code: code)
        }
        if let code = question.codes.first, named == nil || question.has(vocabulary.errorWords) {
            return .errorCode(code)
        }
        if let named {
            if question.isHowTo && question.statistic == nil && fields.isEmpty {
                return .knowledge(query: question.searchText, unknownName: nil)
            }
            let onlyLatest =
                question.statistic == .latest && fields.isEmpty && question.window == nil
                && !question.has(vocabulary.summaryWords)
            if telemetryWords && !onlyLatest && !question.has(vocabulary.problemWords) {
                return .telemetry(telemetry(question, device: named, context: context, followUp: false))
            }
            if question.isExplicitFollowUp && !question.asksAbout && !question.has(vocabulary.deviceWords) {
                switch context.intent {
                case .telemetry:
                    return .telemetry(telemetry(question, device: named, context: context, followUp: true))
                case .ticketList:
                    return .ticketList(deviceID: named, filter: context.ticketFilter ?? .all)
                default: break
                }
            }
            return .device(named)
        }
        if let unknownDevice { return .unknownDevice(unknownDevice) }
        if let unknownCode { return .unknownCode(unknownCode) }
        let asksStatistic = [.average, .minimum, .maximum].contains(question.statistic)
        if context.deviceID == nil, question.words.contains("its") || asksStatistic, question.unknownNames.isEmpty,
            !question.isHowTo
        {
            return .deviceNeeded
        }
        let either = question.unknownNames.first?.name
        if let either, telemetryWords, !question.isHowTo { return .unknownDevice(either) }
        // What is wrong right now.
        let asksProblems =
            question.words.contains("wrong")
            || (question.has(vocabulary.problemWords)
                && (question.has(vocabulary.nowWords) || question.contentWords.isEmpty))
        if asksProblems && !question.isHowTo && either == nil { return .problems }
        // Follow-ups about the device of the conversation.
        if let device = context.deviceID, !question.isHowTo, either == nil {
            let followsTelemetry = context.intent == .telemetry && question.isFollowUp
            if !fields.isEmpty && (question.isFollowUp || telemetryWords) {
                return .telemetry(telemetry(question, device: device, context: context, followUp: followsTelemetry))
            }
            if question.statistic != nil || question.window != nil {
                if question.isFollowUp || question.contentWords.isEmpty {
                    return .telemetry(telemetry(question, device: device, context: context, followUp: followsTelemetry))
                }
            }
            if let contextDevice, question.asksAbout || question.contentWords.isEmpty {
                if context.intent == .ticketList && question.isFollowUp {
                    return .ticketList(deviceID: contextDevice, filter: context.ticketFilter ?? .all)
                }
                return .device(contextDevice)
            }
        }
        return .knowledge(query: question.searchText, unknownName: either)
    }

    /// A telemetry request for `device`, taking from the context what a follow-up leaves out.
    private static func telemetry(
        _ question: ChatQuestion, device: String, context: ChatSessionContext, followUp: Bool
    ) -> ChatTelemetryRequest {
        let inherits = followUp && context.intent == .telemetry
        let ownFieldWords = question.contentWords
        let fieldWords = ownFieldWords.isEmpty && inherits ? context.fieldWords : ownFieldWords
        let window = question.window ?? (inherits ? context.window : nil)
        var statistic = question.statistic ?? (inherits ? context.statistic : nil)
        if question.statistic == nil, question.window != nil, statistic == .latest { statistic = nil }
        let chosen = statistic ?? (window == nil && !question.has(ChatVocabulary.summaryWords) ? .latest : .summary)
        return ChatTelemetryRequest(
            deviceID: device, fieldWords: fieldWords, statistic: chosen,
            window: chosen == .latest ? question.window : window)
    }
}
