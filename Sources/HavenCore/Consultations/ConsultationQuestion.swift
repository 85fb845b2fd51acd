/// One question of a consultation: free text, or one of a set of choices.
public struct ConsultationQuestion: Sendable, Equatable, Codable {
    /// Stable within the consultation (`q1`, `q2`…); answers name it.
    public var id: String
    /// The question by BCP 47 language tag.
    public var prompts: [String: String]
    /// Present for a choice question: the answer must be one of them.
    public var choices: [String]?

    public init(id: String, prompts: [String: String], choices: [String]? = nil) {
        self.id = id
        self.prompts = prompts
        self.choices = choices
    }
}
