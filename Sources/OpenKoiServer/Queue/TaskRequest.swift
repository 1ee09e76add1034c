import FoundationEssentials
import OpenKoiCore

/// A `POST /api/v1/tasks` body, checked field by field: a wrong type, an unknown field or an
/// out-of-range value is refused with the field's name, so a typo never runs a task on defaults.
public struct TaskRequest: Sendable, Hashable {
    public var description: String
    public var category: String?
    public var maxIterations: Int?
    public var qualityThreshold: Double?
    public var model: String?
    public var budgetUSD: Double?

    public init(
        description: String, category: String? = nil, maxIterations: Int? = nil, qualityThreshold: Double? = nil,
        model: String? = nil, budgetUSD: Double? = nil
    ) {
        self.description = description
        self.category = category
        self.maxIterations = maxIterations
        self.qualityThreshold = qualityThreshold
        self.model = model
        self.budgetUSD = budgetUSD
    }

    static let fields: Set<String> = [
        "description", "category", "max_iterations", "quality_threshold", "model", "budget_usd",
    ]
    /// Longest accepted description, in bytes (the body limit bounds the rest).
    static let maxDescriptionBytes = 256 * 1024

    /// Parses and validates a body. `task_id` is accepted and ignored, as the original did.
    public static func parse(_ body: [UInt8]) throws(APIError) -> TaskRequest {
        guard let json = JSONValue.parse(Data(body)) else {
            throw APIError(.badRequest, code: "invalid_json", message: "the request body is not valid JSON")
        }
        guard let object = json.objectValue else {
            throw APIError(.unprocessable, code: "invalid_type", message: "the request body must be a JSON object")
        }
        for key in object.keys.sorted() where !fields.contains(key) && key != "task_id" {
            throw APIError(
                .unprocessable, code: "unknown_field",
                message: "unknown field '\(key)'; known fields: \(fields.sorted().joined(separator: ", "))", field: key)
        }
        guard let value = object["description"], !value.isNull else {
            throw APIError(.badRequest, code: "missing_field", message: "description is required", field: "description")
        }
        guard let description = value.stringValue else {
            throw APIError(
                .unprocessable, code: "invalid_type", message: "description must be a string", field: "description")
        }
        if description.trimmed.isEmpty {
            throw APIError(
                .badRequest, code: "empty_description", message: "Task description cannot be empty",
                field: "description")
        }
        if description.utf8.count > maxDescriptionBytes {
            throw APIError(
                .unprocessable, code: "too_long", message: "description is longer than \(maxDescriptionBytes) bytes",
                field: "description")
        }
        var request = TaskRequest(description: description)
        request.category = try string(object, "category")
        request.model = try string(object, "model")
        if let value = try number(object, "max_iterations") {
            guard value == value.rounded(), (0...20).contains(value) else {
                throw APIError(
                    .unprocessable, code: "out_of_range", message: "max_iterations must be an integer from 0 to 20",
                    field: "max_iterations")
            }
            request.maxIterations = Int(value)
        }
        if let value = try number(object, "quality_threshold") {
            guard (0...1).contains(value) else {
                throw APIError(
                    .unprocessable, code: "out_of_range", message: "quality_threshold must be between 0 and 1",
                    field: "quality_threshold")
            }
            request.qualityThreshold = value
        }
        if let value = try number(object, "budget_usd") {
            guard value > 0, value.isFinite else {
                throw APIError(
                    .unprocessable, code: "out_of_range", message: "budget_usd must be a positive number",
                    field: "budget_usd")
            }
            request.budgetUSD = value
        }
        return request
    }

    private static func string(_ object: [String: JSONValue], _ key: String) throws(APIError) -> String? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let text = value.stringValue else {
            throw APIError(.unprocessable, code: "invalid_type", message: "\(key) must be a string", field: key)
        }
        return text.trimmed.isEmpty ? nil : text
    }

    private static func number(_ object: [String: JSONValue], _ key: String) throws(APIError) -> Double? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let number = value.doubleValue else {
            throw APIError(.unprocessable, code: "invalid_type", message: "\(key) must be a number", field: key)
        }
        return number
    }

    /// The request as stored with its task (and compared for idempotency): absent fields left out.
    public var json: JSONValue {
        var object: [String: JSONValue] = ["description": .string(description)]
        if let category { object["category"] = .string(category) }
        if let maxIterations { object["max_iterations"] = .number(Double(maxIterations)) }
        if let qualityThreshold { object["quality_threshold"] = .number(qualityThreshold) }
        if let model { object["model"] = .string(model) }
        if let budgetUSD { object["budget_usd"] = .number(budgetUSD) }
        return .object(object)
    }

    /// Reads back a stored request (written by `json`).
    init?(stored text: String) {
        guard let request = try? Self.parse(Array(text.utf8)) else { return nil }
        self = request
    }

    /// The task as the pipeline runs it: the daemon's policy with this request's overrides.
    public func spec(id: String, policy base: TaskPolicy) -> TaskSpec {
        var policy = base
        if let maxIterations { policy.maxIterations = maxIterations }
        if let qualityThreshold { policy.qualityThreshold = qualityThreshold }
        if let budgetUSD { policy.maxCostUSD = budgetUSD }
        return TaskSpec(id: id, description: description, model: model, policy: policy, category: category)
    }
}
