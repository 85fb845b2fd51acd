import Foundation

/// The mail a notification sends, in the recipient's language: it says that something
/// happened and where to read it, never what was written nor who wrote it (unless the
/// installation allows excerpts), because the mailboxes of people at risk are often read by
/// others.
struct NotificationMail {
    var subject: String
    var text: String
    var html: String

    /// One language's wording: each kind's subject and sentence, then the common lines.
    struct Wording {
        var lines: [NotificationKind: (subject: String, sentence: String)]
        var signIn: String
        var footer: String
        var excerptLabel: String
        /// The digest's subject, its sentence (with %date, %topics and %replies) and its opt-out line.
        var digest: (subject: String, sentence: String, stop: String)
        var direction: String = "ltr"
    }

    init(kind: NotificationKind, language: String, link: String, settings: String, excerpt: String?) {
        let wording = Self.catalogue[language] ?? Self.english
        let (subject, sentence) = wording.lines[kind] ?? Self.english.lines[kind] ?? ("Haven", "")
        self.init(
            wording: wording, language: language, subject: subject, sentence: sentence,
            details: excerpt.map { [.quote(wording.excerptLabel, $0)] } ?? [], link: link, footer: [(wording.footer, settings)]
        )
    }

    /// The digest: counts since `since`, and (where excerpts are allowed) the new topics' titles.
    init(digestIn language: String, since: String, topics: Int, replies: Int, titles: [String], link: String, settings: String, unsubscribe: String) {
        let wording = Self.catalogue[language] ?? Self.english
        let sentence = wording.digest.sentence.replacingOccurrences(of: "%date", with: since)
            .replacingOccurrences(of: "%topics", with: String(topics)).replacingOccurrences(of: "%replies", with: String(replies))
        self.init(
            wording: wording, language: language, subject: wording.digest.subject, sentence: sentence,
            details: titles.isEmpty ? [] : [.list(titles)], link: link, footer: [(wording.footer, settings), (wording.digest.stop, unsubscribe)]
        )
    }

    /// What may follow the sentence: a quoted excerpt, or a list of titles.
    enum Detail {
        case quote(String, String)
        case list([String])
    }

    /// The sentence, the details, the sign-in link and the footer's labelled links, as text and as HTML.
    private init(wording: Wording, language: String, subject: String, sentence: String, details: [Detail], link: String, footer: [(String, String)]) {
        func anchor(_ url: String) -> String { "<a href=\"\(HTMLText.escape(url))\">\(HTMLText.escape(url))</a>" }
        var paragraphs = [sentence]
        var body = "<p>\(HTMLText.escape(sentence))</p>"
        for detail in details {
            switch detail {
            case .quote(let label, let excerpt):
                paragraphs.append("\(label) \(excerpt)")
                body += "<p>\(HTMLText.escape(label)) <q>\(HTMLText.escape(excerpt))</q></p>"
            case .list(let items):
                paragraphs.append(items.map { "- \($0)" }.joined(separator: "\n"))
                body += "<ul>" + items.map { "<li>\(HTMLText.escape($0))</li>" }.joined() + "</ul>"
            }
        }
        paragraphs.append("\(wording.signIn) \(link)")
        body += "<p>\(HTMLText.escape(wording.signIn)) \(anchor(link))</p>"
        paragraphs.append("--\n" + footer.map { "\($0.0) \($0.1)" }.joined(separator: "\n"))
        body += "<hr><p><small>" + footer.map { "\(HTMLText.escape($0.0)) \(anchor($0.1))" }.joined(separator: "<br>") + "</small></p>"
        self.subject = subject
        self.text = paragraphs.joined(separator: "\n\n")
        self.html = "<!DOCTYPE html><html lang=\"\(language)\" dir=\"\(wording.direction)\"><head><meta charset=\"utf-8\">"
            + "<title>\(HTMLText.escape(subject))</title></head><body>\(body)</body></html>"
    }

    static let catalogue: [String: Wording] = ["en": english, "fr": french, "es": spanish, "ru": russian, "ar": arabic, "zh": chinese]

    static let english = Wording(
        lines: [
            .reply: ("New reply on Haven", "There is a new reply in a topic you started."),
            .mention: ("You were mentioned on Haven", "Someone mentioned you in a post."),
            .postApproved: ("Your post was approved", "A moderator approved your post."),
            .postRejected: ("Your post was not approved", "A moderator did not approve your post. The reason is shown on Haven."),
            .documentApproved: ("Your document was approved", "A moderator approved your document."),
            .documentRejected: ("Your document was not approved", "A moderator did not approve your document. The reason is shown on Haven."),
            .flagResolved: ("Your report was handled", "A moderator has handled a report you made."),
            .moderationQueue: ("Items wait for moderation", "New items wait in a moderation queue you look after."),
            .newSignIn: ("New sign-in to your Haven account", "Your account was signed in from a new device or browser. If it was not you, change your password and sign out your other sessions."),
            .passwordChanged: ("Your Haven password was changed", "The password of your account was changed. If it was not you, reset it at once and tell the administrators."),
            .twoFactorChanged: ("Your two-factor settings changed", "The two-factor authentication of your account was changed. If it was not you, tell the administrators at once."),
            .sessionRevoked: ("A session was signed out", "One of the sessions of your account was signed out."),
            .consultationReminder: ("A consultation closes soon", "A consultation your organisation was asked to answer closes soon and your organisation has not submitted its contribution yet."),
            .eventRegistration: ("Your event registration changed", "Your registration for an event changed. See your place on Haven."),
            .eventMessage: ("A message about an event", "The organisers of an event you registered for sent you a message. Read it on Haven."),
            .authorRevealed: ("An important notice about your post", "An administrator took an action concerning one of your posts that you should know about. Read it on Haven."),
            .dataExportReady: ("Your Haven data export is ready", "The export of your data you asked for is ready. Download it on Haven; it can be downloaded once, and is deleted after a few days."),
        ],
        signIn: "Sign in to Haven to read it:",
        footer: "You receive this message because of your notification settings:",
        excerptLabel: "About:",
        digest: ("Your Haven digest", "Since %date: %topics new topics and %replies new replies in the categories you follow.", "Stop these digests:")
    )

    static let french = Wording(
        lines: [
            .reply: ("Nouvelle réponse sur Haven", "Il y a une nouvelle réponse dans un sujet que vous avez ouvert."),
            .mention: ("Vous avez été mentionné sur Haven", "Quelqu'un vous a mentionné dans un message."),
            .postApproved: ("Votre message a été approuvé", "Un modérateur a approuvé votre message."),
            .postRejected: ("Votre message n'a pas été approuvé", "Un modérateur n'a pas approuvé votre message. La raison est indiquée sur Haven."),
            .documentApproved: ("Votre document a été approuvé", "Un modérateur a approuvé votre document."),
            .documentRejected: ("Votre document n'a pas été approuvé", "Un modérateur n'a pas approuvé votre document. La raison est indiquée sur Haven."),
            .flagResolved: ("Votre signalement a été traité", "Un modérateur a traité un signalement que vous avez fait."),
            .moderationQueue: ("Des éléments attendent la modération", "De nouveaux éléments attendent dans une file de modération dont vous vous occupez."),
            .newSignIn: ("Nouvelle connexion à votre compte Haven", "Votre compte a été ouvert depuis un nouvel appareil ou navigateur. Si ce n'était pas vous, changez votre mot de passe et fermez vos autres sessions."),
            .passwordChanged: ("Votre mot de passe Haven a été modifié", "Le mot de passe de votre compte a été modifié. Si ce n'était pas vous, réinitialisez-le tout de suite et prévenez les administrateurs."),
            .twoFactorChanged: ("Vos réglages de double authentification ont changé", "La double authentification de votre compte a été modifiée. Si ce n'était pas vous, prévenez tout de suite les administrateurs."),
            .sessionRevoked: ("Une session a été fermée", "Une des sessions de votre compte a été fermée."),
            .consultationReminder: ("Une consultation se termine bientôt", "Une consultation à laquelle votre organisation est invitée se termine bientôt et sa contribution n'a pas encore été soumise."),
            .eventRegistration: ("Votre inscription à un événement a changé", "Votre inscription à un événement a changé. Consultez votre place sur Haven."),
            .eventMessage: ("Un message au sujet d'un événement", "Les organisateurs d'un événement auquel vous êtes inscrit vous ont envoyé un message. Lisez-le sur Haven."),
            .authorRevealed: ("Un avis important au sujet de votre message", "Un administrateur a pris une mesure concernant l'un de vos messages que vous devriez connaître. Lisez-la sur Haven."),
            .dataExportReady: ("Votre export de données Haven est prêt", "L'export de vos données que vous avez demandé est prêt. Téléchargez-le sur Haven ; il ne peut être téléchargé qu'une fois et sera supprimé dans quelques jours."),
        ],
        signIn: "Connectez-vous à Haven pour le lire :",
        footer: "Vous recevez ce message en raison de vos réglages de notification :",
        excerptLabel: "Objet :",
        digest: ("Votre résumé Haven", "Depuis le %date : %topics nouveaux sujets et %replies nouvelles réponses dans les catégories que vous suivez.", "Ne plus recevoir ces résumés :")
    )

    static let spanish = Wording(
        lines: [
            .reply: ("Nueva respuesta en Haven", "Hay una nueva respuesta en un tema que usted abrió."),
            .mention: ("Le han mencionado en Haven", "Alguien le mencionó en una publicación."),
            .postApproved: ("Su publicación fue aprobada", "Un moderador aprobó su publicación."),
            .postRejected: ("Su publicación no fue aprobada", "Un moderador no aprobó su publicación. El motivo se muestra en Haven."),
            .documentApproved: ("Su documento fue aprobado", "Un moderador aprobó su documento."),
            .documentRejected: ("Su documento no fue aprobado", "Un moderador no aprobó su documento. El motivo se muestra en Haven."),
            .flagResolved: ("Su denuncia fue atendida", "Un moderador atendió una denuncia que usted hizo."),
            .moderationQueue: ("Hay elementos pendientes de moderación", "Hay nuevos elementos en una cola de moderación a su cargo."),
            .newSignIn: ("Nuevo inicio de sesión en su cuenta de Haven", "Se inició sesión en su cuenta desde un dispositivo o navegador nuevo. Si no fue usted, cambie su contraseña y cierre sus otras sesiones."),
            .passwordChanged: ("Se cambió su contraseña de Haven", "Se cambió la contraseña de su cuenta. Si no fue usted, restablézcala de inmediato y avise a los administradores."),
            .twoFactorChanged: ("Cambió su verificación en dos pasos", "Se modificó la verificación en dos pasos de su cuenta. Si no fue usted, avise de inmediato a los administradores."),
            .sessionRevoked: ("Se cerró una sesión", "Se cerró una de las sesiones de su cuenta."),
            .consultationReminder: ("Una consulta cierra pronto", "Una consulta a la que se invitó a su organización cierra pronto y su contribución aún no se ha presentado."),
            .eventRegistration: ("Su inscripción a un evento cambió", "Su inscripción a un evento cambió. Consulte su plaza en Haven."),
            .eventMessage: ("Un mensaje sobre un evento", "Los organizadores de un evento en el que se inscribió le enviaron un mensaje. Léalo en Haven."),
            .authorRevealed: ("Un aviso importante sobre su publicación", "Un administrador tomó una medida sobre una de sus publicaciones que debe conocer. Léala en Haven."),
            .dataExportReady: ("Su exportación de datos de Haven está lista", "La exportación de sus datos que solicitó está lista. Descárguela en Haven; solo puede descargarse una vez y se eliminará en unos días."),
        ],
        signIn: "Inicie sesión en Haven para leerlo:",
        footer: "Recibe este mensaje por su configuración de notificaciones:",
        excerptLabel: "Asunto:",
        digest: ("Su resumen de Haven", "Desde el %date: %topics temas nuevos y %replies respuestas nuevas en las categorías que sigue.", "Dejar de recibir estos resúmenes:")
    )

    static let russian = Wording(
        lines: [
            .reply: ("Новый ответ в Haven", "В теме, которую вы начали, появился новый ответ."),
            .mention: ("Вас упомянули в Haven", "Кто-то упомянул вас в сообщении."),
            .postApproved: ("Ваше сообщение одобрено", "Модератор одобрил ваше сообщение."),
            .postRejected: ("Ваше сообщение не одобрено", "Модератор не одобрил ваше сообщение. Причина указана в Haven."),
            .documentApproved: ("Ваш документ одобрен", "Модератор одобрил ваш документ."),
            .documentRejected: ("Ваш документ не одобрен", "Модератор не одобрил ваш документ. Причина указана в Haven."),
            .flagResolved: ("Ваша жалоба рассмотрена", "Модератор рассмотрел вашу жалобу."),
            .moderationQueue: ("Материалы ждут модерации", "В очереди модерации, за которую вы отвечаете, появились новые материалы."),
            .newSignIn: ("Новый вход в вашу учётную запись Haven", "В вашу учётную запись вошли с нового устройства или браузера. Если это были не вы, смените пароль и завершите другие сеансы."),
            .passwordChanged: ("Пароль Haven изменён", "Пароль вашей учётной записи изменён. Если это были не вы, немедленно сбросьте его и сообщите администраторам."),
            .twoFactorChanged: ("Изменены настройки двухфакторной аутентификации", "Двухфакторная аутентификация вашей учётной записи изменена. Если это были не вы, немедленно сообщите администраторам."),
            .sessionRevoked: ("Сеанс завершён", "Один из сеансов вашей учётной записи завершён."),
            .consultationReminder: ("Консультация скоро закроется", "Консультация, в которой приглашена участвовать ваша организация, скоро закроется, а её вклад ещё не отправлен."),
            .eventRegistration: ("Ваша регистрация на мероприятие изменилась", "Ваша регистрация на мероприятие изменилась. Посмотрите своё место в Haven."),
            .eventMessage: ("Сообщение о мероприятии", "Организаторы мероприятия, на которое вы зарегистрированы, отправили вам сообщение. Прочитайте его в Haven."),
            .authorRevealed: ("Важное уведомление о вашем сообщении", "Администратор предпринял действие в отношении одного из ваших сообщений, о котором вам следует знать. Прочитайте в Haven."),
            .dataExportReady: ("Выгрузка ваших данных Haven готова", "Запрошенная вами выгрузка ваших данных готова. Скачайте её в Haven: её можно скачать только один раз, через несколько дней она будет удалена."),
        ],
        signIn: "Войдите в Haven, чтобы прочитать:",
        footer: "Вы получили это письмо из-за ваших настроек уведомлений:",
        excerptLabel: "Тема:",
        digest: ("Ваша сводка Haven", "С %date: новых тем — %topics, новых ответов — %replies в категориях, за которыми вы следите.", "Отказаться от этих сводок:")
    )

    static let arabic = Wording(
        lines: [
            .reply: ("رد جديد على Haven", "يوجد رد جديد في موضوع بدأته."),
            .mention: ("تمت الإشارة إليك على Haven", "أشار إليك أحدهم في مشاركة."),
            .postApproved: ("تمت الموافقة على مشاركتك", "وافق أحد المشرفين على مشاركتك."),
            .postRejected: ("لم تتم الموافقة على مشاركتك", "لم يوافق أحد المشرفين على مشاركتك. السبب معروض على Haven."),
            .documentApproved: ("تمت الموافقة على وثيقتك", "وافق أحد المشرفين على وثيقتك."),
            .documentRejected: ("لم تتم الموافقة على وثيقتك", "لم يوافق أحد المشرفين على وثيقتك. السبب معروض على Haven."),
            .flagResolved: ("تمت معالجة بلاغك", "عالج أحد المشرفين بلاغًا قدمته."),
            .moderationQueue: ("عناصر بانتظار الإشراف", "توجد عناصر جديدة في قائمة إشراف تتولاها."),
            .newSignIn: ("تسجيل دخول جديد إلى حسابك على Haven", "تم تسجيل الدخول إلى حسابك من جهاز أو متصفح جديد. إن لم تكن أنت، فغيّر كلمة المرور وأنهِ جلساتك الأخرى."),
            .passwordChanged: ("تم تغيير كلمة مرور Haven", "تم تغيير كلمة مرور حسابك. إن لم تكن أنت، فأعد تعيينها فورًا وأبلغ المسؤولين."),
            .twoFactorChanged: ("تغيّرت إعدادات التحقق بخطوتين", "تم تغيير التحقق بخطوتين في حسابك. إن لم تكن أنت، فأبلغ المسؤولين فورًا."),
            .sessionRevoked: ("تم إنهاء جلسة", "تم إنهاء إحدى جلسات حسابك."),
            .consultationReminder: ("مشاورة تُغلق قريبًا", "مشاورة دُعيت منظمتك إلى المساهمة فيها تُغلق قريبًا، ولم تقدّم منظمتك مساهمتها بعد."),
            .eventRegistration: ("تغيّر تسجيلك في فعالية", "تغيّر تسجيلك في فعالية. اطّلع على مكانك في Haven."),
            .eventMessage: ("رسالة بشأن فعالية", "أرسل إليك منظمو فعالية سجّلت فيها رسالة. اقرأها في Haven."),
            .authorRevealed: ("إشعار مهم بشأن مشاركتك", "اتخذ أحد المسؤولين إجراءً يخص إحدى مشاركاتك ينبغي أن تعرفه. اقرأه في Haven."),
            .dataExportReady: ("نسخة بياناتك على Haven جاهزة", "نسخة بياناتك التي طلبتها جاهزة. نزّلها من Haven؛ يمكن تنزيلها مرة واحدة فقط، وستُحذف بعد بضعة أيام."),
        ],
        signIn: "سجّل الدخول إلى Haven لقراءته:",
        footer: "تصلك هذه الرسالة بسبب إعدادات الإشعارات لديك:",
        excerptLabel: "الموضوع:",
        digest: ("ملخص Haven الخاص بك", "منذ %date: %topics موضوعات جديدة و%replies ردود جديدة في الفئات التي تتابعها.", "إيقاف هذه الملخصات:"),
        direction: "rtl"
    )

    static let chinese = Wording(
        lines: [
            .reply: ("Haven 上有新回复", "您发起的主题中有一条新回复。"),
            .mention: ("有人在 Haven 上提到了您", "有人在帖子中提到了您。"),
            .postApproved: ("您的帖子已获批准", "一位版主批准了您的帖子。"),
            .postRejected: ("您的帖子未获批准", "一位版主未批准您的帖子。原因请在 Haven 上查看。"),
            .documentApproved: ("您的文件已获批准", "一位版主批准了您的文件。"),
            .documentRejected: ("您的文件未获批准", "一位版主未批准您的文件。原因请在 Haven 上查看。"),
            .flagResolved: ("您的举报已处理", "一位版主处理了您提交的举报。"),
            .moderationQueue: ("有内容等待审核", "您负责的审核队列中有新内容等待处理。"),
            .newSignIn: ("您的 Haven 账户有新的登录", "您的账户在新的设备或浏览器上登录。如果不是您本人，请修改密码并退出其他会话。"),
            .passwordChanged: ("您的 Haven 密码已更改", "您账户的密码已更改。如果不是您本人，请立即重置密码并告知管理员。"),
            .twoFactorChanged: ("您的双重验证设置已更改", "您账户的双重验证已更改。如果不是您本人，请立即告知管理员。"),
            .sessionRevoked: ("一个会话已退出", "您账户的一个会话已退出。"),
            .consultationReminder: ("一项征询即将截止", "您的组织受邀参与的一项征询即将截止，您的组织尚未提交意见。"),
            .eventRegistration: ("您的活动报名有变化", "您的活动报名状态有变化。请在 Haven 上查看。"),
            .eventMessage: ("关于活动的消息", "您报名的活动的组织者给您发送了一条消息。请在 Haven 上阅读。"),
            .authorRevealed: ("关于您帖子的重要通知", "一位管理员对您的一个帖子采取了您应当知道的措施。请在 Haven 上查看。"),
            .dataExportReady: ("您的 Haven 数据导出已就绪", "您申请的数据导出已就绪。请在 Haven 上下载；它只能下载一次，并将在几天后删除。"),
        ],
        signIn: "请登录 Haven 查看：",
        footer: "您收到此邮件是因为您的通知设置：",
        excerptLabel: "关于：",
        digest: ("您的 Haven 摘要", "自 %date 以来，您关注的分类中有 %topics 个新主题和 %replies 条新回复。", "停止接收这些摘要：")
    )
}
