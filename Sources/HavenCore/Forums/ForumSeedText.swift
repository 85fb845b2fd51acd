import Foundation

/// Plausible forum text in the six UN languages for seeding and benchmarks: domain words at
/// Zipf-like frequencies among a long tail of invented filler words, from a seeded generator so
/// runs are repeatable.
struct ForumSeedText {
    /// Domain words per language, most frequent first.
    static let words: [String: [String]] = [
        "en": ["support", "community", "victims", "families", "programme", "training", "women", "youth", "dialogue", "trust", "schools",
               "religious", "leaders", "prevention", "rights", "justice", "survivors", "reintegration", "counselling", "media", "online",
               "radicalisation", "resilience", "mentoring", "memorial", "testimony", "legal", "psychological", "recovery", "reconciliation",
               "volunteers", "evaluation", "funding", "workshop", "network", "toolkit", "mediation", "rehabilitation", "outreach", "safeguarding"],
        "fr": ["soutien", "communauté", "victimes", "familles", "programme", "formation", "femmes", "jeunes", "dialogue", "confiance", "écoles",
               "religieux", "responsables", "prévention", "droits", "justice", "survivants", "réintégration", "écoute", "médias", "ligne",
               "radicalisation", "résilience", "tutorat", "mémorial", "témoignage", "juridique", "psychologique", "rétablissement",
               "réconciliation", "bénévoles", "évaluation", "financement", "atelier", "réseau", "boîte", "médiation", "réhabilitation",
               "sensibilisation", "protection"],
        "es": ["apoyo", "comunidad", "víctimas", "familias", "programa", "formación", "mujeres", "jóvenes", "diálogo", "confianza", "escuelas",
               "religiosos", "líderes", "prevención", "derechos", "justicia", "sobrevivientes", "reintegración", "acompañamiento", "medios",
               "internet", "radicalización", "resiliencia", "tutoría", "memorial", "testimonio", "jurídico", "psicológico", "recuperación",
               "reconciliación", "voluntarios", "evaluación", "financiación", "taller", "red", "herramientas", "mediación", "rehabilitación",
               "divulgación", "salvaguarda"],
        "ru": ["поддержка", "общины", "жертвы", "семьи", "программа", "обучение", "женщины", "молодёжь", "диалог", "доверие", "школы",
               "религиозные", "лидеры", "профилактика", "права", "правосудие", "выжившие", "реинтеграция", "консультирование", "медиа",
               "интернет", "радикализация", "устойчивость", "наставничество", "мемориал", "свидетельство", "юридическая", "психологическая",
               "восстановление", "примирение", "волонтёры", "оценка", "финансирование", "семинар", "сеть", "инструменты", "посредничество",
               "реабилитация", "информирование", "защита"],
        "ar": ["الدعم", "المجتمع", "الضحايا", "الأسر", "البرنامج", "التدريب", "النساء", "الشباب", "الحوار", "الثقة", "المدارس", "الدينية",
               "القادة", "الوقاية", "الحقوق", "العدالة", "الناجين", "الإدماج", "الإرشاد", "الإعلام", "الإنترنت", "التطرف", "الصمود",
               "التوجيه", "النصب", "الشهادة", "القانونية", "النفسية", "التعافي", "المصالحة", "المتطوعين", "التقييم", "التمويل", "الورشة",
               "الشبكة", "الأدوات", "الوساطة", "التأهيل", "التوعية", "الحماية"],
        "zh": ["支持", "社区", "受害者", "家庭", "项目", "培训", "妇女", "青年", "对话", "信任", "学校", "宗教", "领袖", "预防", "权利", "司法",
               "幸存者", "重返社会", "咨询", "媒体", "网络", "激进化", "韧性", "辅导", "纪念", "证词", "法律", "心理", "康复", "和解",
               "志愿者", "评估", "资金", "讲习班", "联络", "工具", "调解", "恢复", "宣传", "保护"],
    ]

    /// Letters of invented filler words per language (Chinese: common characters).
    static let alphabets: [String: [Character]] = [
        "en": Array("abcdefghilmnoprstuvw"), "fr": Array("abcdeéfgilmnoprstuv"), "es": Array("abcdefgilmnñoprstuv"),
        "ru": Array("абвгдеиклмнопрстуя"), "ar": Array("ابتثجحدرزسشصطعفقكلمنهوي"),
        "zh": Array("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"),
    ]

    private var state: UInt64

    init(seed: UInt64) { self.state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }

    /// xorshift64*: fast, repeatable, good enough for invented text.
    mutating func next() -> UInt64 {
        self.state ^= self.state >> 12
        self.state ^= self.state << 25
        self.state ^= self.state >> 27
        return self.state &* 0x2545_F491_4F6C_DD1D
    }

    mutating func below(_ bound: Int) -> Int { Int(self.next() % UInt64(bound)) }

    /// One word: a domain word (three in ten, more often the earlier ones) or invented filler.
    mutating func word(in language: String) -> String {
        let words = Self.words[language] ?? Self.words["en"] ?? []
        if self.below(10) < 3, !words.isEmpty {
            // Zipf-like: rank r with weight about 1/r.
            let uniform = Double(self.below(1_000_000)) / 1_000_000
            let rank = Int(pow(Double(words.count + 1), uniform)) - 1
            return words[min(max(rank, 0), words.count - 1)]
        }
        let letters = Self.alphabets[language] ?? Self.alphabets["en"] ?? ["x"]
        let length = language == "zh" ? 2 : 3 + self.below(6)
        return String((0..<length).map { _ in letters[self.below(letters.count)] })
    }

    /// A sentence-like run of `count` words (Chinese without spaces, with a full stop).
    mutating func text(words count: Int, in language: String) -> String {
        let words = (0..<count).map { _ in self.word(in: language) }
        return language == "zh" ? words.joined() + "。" : words.joined(separator: " ") + "."
    }
}
