import OneCallCore

/// Asks a chat model which workflow tools to run for one error, then holds its answer to the
/// guard-rails: only tools the guide section allows, only tools that exist, each once, and the
/// required tool (`log_ticket`) always. It never throws: any failure is a `.fallback` telling the
/// caller to use the deterministic runbook planner.
public struct LLMPlanner: Sendable {
    /// The endpoint to ask.
    public var client: OpenAIClient
    /// The tool every plan holds, put first when the model leaves it out. Default `log_ticket`.
    public var requiredTool: String
    /// The most tool calls of one answer considered; later ones are refused as `overLimit`. Default 16.
    public var maximumToolCalls: Int
    /// The longest guide section sent, in characters; the rest is cut. Default 16,000.
    public var maximumSectionLength: Int
    /// What `tool_choice` to send. Default `.auto`, which every compatible server understands.
    public var toolChoice: OpenAIToolChoice

    public init(
        client: OpenAIClient, requiredTool: String = "log_ticket", maximumToolCalls: Int = 16,
        maximumSectionLength: Int = 16_000, toolChoice: OpenAIToolChoice = .auto
    ) {
        self.client = client
        self.requiredTool = requiredTool
        self.maximumToolCalls = maximumToolCalls
        self.maximumSectionLength = maximumSectionLength
        self.toolChoice = toolChoice
    }

    /// The instructions sent as the system message.
    public static let systemPrompt = """
        You are the triage agent for faults reported by devices. The user message gives an error \
        code, a device id and the section of the troubleshooting guide for that code. Do exactly \
        what the section's action list says, no more: call one tool for each listed action, in the \
        listed order, each tool once. Call no tool for anything the list does not name; never phone, \
        message or e-mail anyone the section does not say to contact. Troubleshooting steps are for \
        technicians, not actions for you. Answer only with tool calls.
        """

    /// Plans the tools for `errorCode` on `deviceID` from the guide `section` (title and body).
    ///
    /// - Parameters:
    ///   - allowedTools: the tools the section asks for, in the guide's order, as the runbook
    ///     planner reads them; a call to any other tool is refused.
    ///   - definitions: the workflow tools offered to the model; a call to a tool not among them is
    ///     refused.
    public func plan(
        errorCode: String, deviceID: String, section: String, allowedTools: [String], definitions: [ToolDefinition]
    ) async -> LLMPlanOutcome {
        let clock = ContinuousClock()
        let start = clock.now
        let messages = Self.messages(
            errorCode: errorCode, deviceID: deviceID, section: String(section.prefix(maximumSectionLength)))
        let response: OpenAIChatResponse
        do {
            response = try await client.chatCompletion(messages: messages, tools: definitions, toolChoice: toolChoice)
        } catch {
            return .fallback(LLMFallbackReason(error, latency: clock.now - start))
        }
        let latency = clock.now - start
        let screened = Self.screen(
            response.toolCalls, allowedTools: allowedTools, definedTools: Set(definitions.map(\.name)),
            requiredTool: requiredTool, maximumToolCalls: maximumToolCalls)
        guard !screened.accepted.isEmpty else {
            let message =
                response.toolCalls.isEmpty
                ? "the model called no tool"
                : "the model called only refused tools: "
                    + screened.rejected.map(\.description).joined(separator: ", ")
            return .fallback(
                LLMFallbackReason(
                    code: .noUsableToolCalls, message: message, rejected: screened.rejected, latency: latency))
        }
        var tools = screened.accepted
        let inserted = !tools.contains(requiredTool)
        if inserted { tools.insert(requiredTool, at: 0) }
        return .planned(
            LLMPlan(
                tools: tools, rejected: screened.rejected, rawToolCalls: response.toolCalls,
                insertedRequiredTool: inserted, model: response.model, latency: latency))
    }

    /// The conversation sent to the model: the system prompt, then the error and its section.
    public static func messages(errorCode: String, deviceID: String, section: String) -> [OpenAIChatMessage] {
        [
            .system(systemPrompt),
            .user(
                """
                Error code: \(singleLine(errorCode))
                Device: \(singleLine(deviceID))

                Guide section:
                \(section)
                """),
        ]
    }

    /// Applies the guard-rails to the model's calls, in order: a call past `maximumToolCalls` is
    /// `overLimit`; an unknown tool `undefined`; a tool outside `allowedTools` (the required tool is
    /// always allowed) `notAllowed`; a repeat `duplicate`. The rest are accepted, in order.
    public static func screen(
        _ calls: [OpenAIToolCall], allowedTools: [String], definedTools: Set<String>, requiredTool: String,
        maximumToolCalls: Int
    ) -> (accepted: [String], rejected: [LLMRejectedToolCall]) {
        let allowed = Set(allowedTools).union([requiredTool])
        var accepted: [String] = []
        var rejected: [LLMRejectedToolCall] = []
        for (position, call) in calls.enumerated() {
            let reason: LLMRejectedToolCall.Reason? =
                if position >= maximumToolCalls {
                    .overLimit
                } else if !definedTools.contains(call.name) {
                    .undefined
                } else if !allowed.contains(call.name) {
                    .notAllowed
                } else if accepted.contains(call.name) {
                    .duplicate
                } else {
                    nil
                }
            if let reason {
                rejected.append(LLMRejectedToolCall(tool: String(call.name.prefix(100)), reason: reason))
            } else {
                accepted.append(call.name)
            }
        }
        return (accepted, rejected)
    }

    /// `text` on one line, at most 100 characters: device-supplied values cannot add lines to the prompt.
    private static func singleLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 }.prefix(100))
    }
}
