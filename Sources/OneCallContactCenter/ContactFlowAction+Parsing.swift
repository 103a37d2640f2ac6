import OneCallCore

extension ContactFlowAction {
    /// Reads one entry of `Actions`, checking its type, parameters and transitions (but not whether the
    /// transitions' targets exist, which needs the whole flow).
    init(parsing value: JSONValue, file: String, position: Int) throws(ContactCenterDefinitionError) {
        var fields = try DefinitionFields(value, file: file, item: "Actions[\(position)]")
        let identifier = try fields.requiredString("Identifier", maximumBytes: 1024)
        guard !identifier.isEmpty, identifier.count <= ContactFlow.maximumIdentifierLength else {
            throw fields.error(
                .invalidValue, "'Identifier' must be 1 to \(ContactFlow.maximumIdentifierLength) characters")
        }
        fields.item = identifier
        let typeName = try fields.requiredString("Type", maximumBytes: 256)
        guard let type = ActionType(rawValue: typeName) else {
            throw fields.error(.unknownActionType, "unknown action type '\(typeName)'")
        }
        let parameters: DefinitionFields
        if fields.has("Parameters") {
            parameters = try DefinitionFields(fields.object["Parameters"]!, file: file, item: identifier)
        } else {
            parameters = try DefinitionFields(.object(JSONObject()), file: file, item: identifier)
        }
        let step = try Self.step(type, parameters)
        let transitions: ContactFlowTransitions
        if fields.has("Transitions") {
            let transitionFields = try DefinitionFields(fields.object["Transitions"]!, file: file, item: identifier)
            transitions = try Self.transitions(type, transitionFields, step: step)
        } else {
            transitions = ContactFlowTransitions()
        }
        self.init(identifier: identifier, type: type, step: step, transitions: transitions)
    }

    private static func prompt(_ parameters: DefinitionFields, required: Bool) throws(ContactCenterDefinitionError)
        -> PromptText?
    {
        let limit = ContactFlow.maximumTextBytes
        let text = try parameters.string("Text", maximumBytes: limit)
        let ssml = try parameters.string("SSML", maximumBytes: limit)
        if parameters.has("PromptId") || parameters.has("Media") {
            throw parameters.error(
                .invalidValue, "PromptId and Media prompts are not supported; use Text or SSML")
        }
        switch (text, ssml) {
        case (let text?, nil): return .text(ContactFlowText(text))
        case (nil, let ssml?): return .ssml(ContactFlowText(ssml))
        case (.some, .some): throw parameters.error(.invalidValue, "give Text or SSML, not both")
        case (nil, nil):
            if required { throw parameters.error(.missingParameter, "needs a Text or SSML parameter") }
            return nil
        }
    }

    private static func step(_ type: ActionType, _ parameters: DefinitionFields) throws(ContactCenterDefinitionError)
        -> Step
    {
        switch type {
        case .updateFlowLoggingBehavior:
            guard let behavior = try parameters.string("FlowLoggingBehavior", maximumBytes: 64) else {
                throw parameters.error(.missingParameter, "needs FlowLoggingBehavior (Enabled or Disabled)")
            }
            switch behavior {
            case "Enabled": return .updateFlowLogging(enabled: true)
            case "Disabled": return .updateFlowLogging(enabled: false)
            default:
                throw parameters.error(.invalidValue, "FlowLoggingBehavior must be Enabled or Disabled")
            }
        case .messageParticipant:
            return .message(try prompt(parameters, required: true)!)
        case .getParticipantInput:
            let prompt = try prompt(parameters, required: false)
            // The API reference spells it InputTimeLimitSeconds; the administrator guide InputTimeoutSeconds.
            let limit = try parameters.int("InputTimeLimitSeconds", in: 1...180)
            let alternative = try parameters.int("InputTimeoutSeconds", in: 1...180)
            let timeLimit = limit ?? alternative ?? 5
            let store = try parameters.bool("StoreInput") ?? false
            var maximumLength = 1
            var terminator: String?
            if let validation = try parameters.objectValue("InputValidation") {
                let validationFields = try DefinitionFields(
                    .object(validation), file: parameters.file, item: parameters.item)
                if let custom = try validationFields.objectValue("CustomValidation") {
                    let customFields = try DefinitionFields(
                        .object(custom), file: parameters.file, item: parameters.item)
                    maximumLength = try customFields.int("MaximumLength", in: 1...20) ?? 20
                } else if validationFields.has("PhoneNumberValidation") {
                    maximumLength = 20
                }
            } else if store {
                maximumLength = 20
            }
            if let dtmf = try parameters.objectValue("DTMFConfiguration") {
                let dtmfFields = try DefinitionFields(.object(dtmf), file: parameters.file, item: parameters.item)
                if let sequence = try dtmfFields.string("InputTerminationSequence", maximumBytes: 5) {
                    guard !sequence.isEmpty, sequence.allSatisfy({ "0123456789*#".contains($0) }) else {
                        throw parameters.error(
                            .invalidValue, "InputTerminationSequence must be 1 to 5 of the keys 0-9, * and #")
                    }
                    terminator = sequence
                }
            }
            return .getInput(
                InputSettings(
                    prompt: prompt, timeLimitSeconds: timeLimit, storeInput: store, maximumLength: maximumLength,
                    terminationSequence: terminator))
        case .checkHoursOfOperation:
            let id = try parameters.string("HoursOfOperationId", maximumBytes: 512)
            return .checkHours(hoursOfOperationID: id.flatMap { $0.isEmpty ? nil : $0 })
        case .compare:
            guard let value = try parameters.string("ComparisonValue", maximumBytes: ContactFlow.maximumTextBytes)
            else {
                throw parameters.error(.missingParameter, "needs a ComparisonValue")
            }
            return .compare(ContactFlowText(value))
        case .updateContactAttributes:
            guard let attributes = try parameters.objectValue("Attributes"), !attributes.isEmpty else {
                throw parameters.error(.missingParameter, "needs a non-empty Attributes object")
            }
            guard attributes.count <= 100 else {
                throw parameters.error(.tooLarge, "sets \(attributes.count) attributes; the limit is 100")
            }
            let attributeFields = try DefinitionFields(
                .object(attributes), file: parameters.file, item: parameters.item)
            var updates: [AttributeUpdate] = []
            for key in attributes.keys {
                guard !key.isEmpty, key.utf8.count <= 256 else {
                    throw parameters.error(.invalidValue, "attribute names must be 1 to 256 bytes")
                }
                let value = try attributeFields.string(key, maximumBytes: ContactFlow.maximumTextBytes) ?? ""
                updates.append(AttributeUpdate(key: ContactFlowText(key), value: ContactFlowText(value)))
            }
            let target = try parameters.string("TargetContact", maximumBytes: 64) ?? "Current"
            guard target == "Current" || target == "Related" else {
                throw parameters.error(.invalidValue, "TargetContact must be Current or Related")
            }
            return .updateAttributes(updates, related: target == "Related")
        case .disconnectParticipant:
            return .disconnect
        }
    }

    private static func transitions(_ type: ActionType, _ fields: DefinitionFields, step: Step)
        throws(ContactCenterDefinitionError) -> ContactFlowTransitions
    {
        var result = ContactFlowTransitions()
        result.nextAction = try fields.string("NextAction", maximumBytes: 1024)
        for (position, value) in (try fields.array("Conditions", maximumCount: 100) ?? []).enumerated() {
            var entry = try DefinitionFields(value, file: fields.file, item: fields.item)
            entry.item = "\(fields.item) Conditions[\(position)]"
            let next = try entry.requiredString("NextAction", maximumBytes: 1024)
            guard let conditionValue = entry.object["Condition"] else {
                throw entry.error(.missingKey, "'Condition' is required")
            }
            let condition = try DefinitionFields(conditionValue, file: fields.file, item: entry.item)
            let operatorName = try condition.requiredString("Operator", maximumBytes: 64)
            guard let comparison = ContactFlowOperator(rawValue: operatorName) else {
                throw condition.error(.unsupportedOperator, "unsupported operator '\(operatorName)'")
            }
            guard type.operators.contains(comparison) else {
                if type.operators.isEmpty {
                    throw condition.error(.unsupportedOperator, "\(type.rawValue) takes no conditions")
                }
                throw condition.error(
                    .unsupportedOperator, "operator '\(operatorName)' is not supported by \(type.rawValue)")
            }
            guard let operands = try condition.array("Operands", maximumCount: 100), !operands.isEmpty else {
                throw condition.error(.missingKey, "'Operands' must hold at least one value")
            }
            var texts: [String] = []
            for operand in operands {
                switch operand {
                case .string(let text) where text.utf8.count <= ContactFlow.maximumTextBytes: texts.append(text)
                case .int(let number): texts.append(String(number))
                case .double(let number): texts.append(String(number))
                case .bool(let flag): texts.append(flag ? "True" : "False")
                default: throw condition.error(.invalidValue, "operands must be strings or numbers")
                }
            }
            if type == .checkHoursOfOperation, !texts.allSatisfy({ $0 == "True" || $0 == "False" }) {
                throw condition.error(.invalidValue, "CheckHoursOfOperation compares only with True or False")
            }
            result.conditions.append(.init(nextAction: next, comparison: comparison, operands: texts))
        }
        for (position, value) in (try fields.array("Errors", maximumCount: 100) ?? []).enumerated() {
            var entry = try DefinitionFields(value, file: fields.file, item: fields.item)
            entry.item = "\(fields.item) Errors[\(position)]"
            let next = try entry.requiredString("NextAction", maximumBytes: 1024)
            let errorType = try entry.requiredString("ErrorType", maximumBytes: 128)
            guard type.errorTypes.contains(errorType) else {
                throw entry.error(
                    .unsupportedErrorType, "\(type.rawValue) never raises '\(errorType)'")
            }
            result.errors.append(.init(nextAction: next, errorType: errorType))
        }
        return result
    }
}
