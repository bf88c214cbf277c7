/**
 * Keyword and stem patterns of the offline extractor, for Russian, Ukrainian, Kazakh and English
 * WhatsApp sales dialogs. Every pattern runs on text normalised by `normalizeForMatch` (lower case,
 * `ё` → `е`, typographic apostrophes → `'`), so they are written in lower case.
 *
 * Patterns are word stems anchored at the start of a word (`W`), never whole sentences: they must
 * generalise to dialogs nobody has seen. The meaning of each group follows the labeling rules of
 * fixtures/dialogs/README.md (stage, niche, owner, budget, targetologist) and SPEC "Dialog scoring".
 */

/** Start of a word: not preceded by a letter or digit (JS `\b` does not know Cyrillic). */
export const W = "(?<![\\p{L}\\p{N}])";
/** End of a word. */
export const E = "(?![\\p{L}\\p{N}])";

/** Builds a Unicode regex from alternatives, each anchored at a word start. */
export function words(alternatives: readonly string[], flags = "u"): RegExp {
  return new RegExp(`${W}(?:${alternatives.join("|")})`, flags);
}

/** Builds a Unicode regex from raw alternatives (the caller places the anchors). */
export function raw(alternatives: readonly string[], flags = "u"): RegExp {
  return new RegExp(`(?:${alternatives.join("|")})`, flags);
}

// ---------------------------------------------------------------------------------------------
// Time and slots

const MONTHS = [
  // ru
  "январ",
  "феврал",
  "март",
  "апрел",
  "ма[йяе]",
  "июн",
  "июл",
  "август",
  "сентябр",
  "октябр",
  "ноябр",
  "декабр",
  // uk
  "січн",
  "січен",
  "лют",
  "берез",
  "квітн",
  "квітен",
  "травн",
  "травен",
  "червн",
  "червен",
  "липн",
  "липен",
  "серпн",
  "серпен",
  "вересн",
  "вересен",
  "жовтн",
  "жовтен",
  "листопад",
  "грудн",
  "груден",
  // kk
  "қаңтар",
  "ақпан",
  "наурыз",
  "сәуір",
  "мамыр",
  "маусым",
  "шілде",
  "тамыз",
  "қыркүйек",
  "қазан",
  "қараша",
  "желтоқсан",
  // en
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];

const WEEKDAYS = [
  "понедельник",
  "вторник",
  "сред[ауые]",
  "четверг",
  "пятниц",
  "суббот",
  "воскресень",
  "понеділ",
  "вівтор",
  "серед[ауі]",
  "четвер",
  "п'ятниц",
  "субот",
  "неділ",
  "дүйсенбі",
  "сейсенбі",
  "сәрсенбі",
  "бейсенбі",
  "жұма(?:да|ға)?" + E,
  "сенбі",
  "жексенбі",
  "monday",
  "tuesday",
  "wednesday",
  "thursday",
  "friday",
  "saturday",
  "sunday",
];

const RELATIVE_DAYS = [
  "сегодня",
  "завтра",
  "послезавтра",
  "сьогодні",
  "післязавтра",
  "бүгін",
  "ертең",
  "today",
  "tonight",
  "tomorrow",
];

/** A concrete slot: a clock time, a weekday, a relative day or a calendar date. */
export const SLOT = raw([
  `${W}\\d{1,2}[:.]\\d{2}${E}`,
  // "в 12", "о 16", "at 3": the next word, if any, must be a time word or an acceptance, not a unit ("на 30 минут")
  `${W}(?:в|во|о|об|на|к|at|by|сағат)\\s+\\d{1,2}${E}(?!\\s*-?(?:й|го|я|е|ю|th|st|nd|rd)${E})(?!\\s*(?!(?:ч|час\\p{L}*|am|pm|утра|вечера|дня|ночи|по|сағ\\p{L}*|подходит|ок|ok|удобно|норм\\p{L}*|буду|можно|works|годится|давайте|если|тогда|или|або|or)${E})[\\p{L}%$₸₽€])`,
  `${W}\\d{1,2}\\s?(?:am|pm)${E}`,
  `${W}(?:${WEEKDAYS.join("|")})`,
  `${W}(?:${RELATIVE_DAYS.join("|")})${E}`,
  `${W}\\d{1,2}(?:-?го)?\\s+(?:${MONTHS.join("|")})`,
]);

/** A vaguer time for "when do you start": months, seasons, "asap", "after New Year", "next month" … */
export const START_TIME = raw([
  `${W}(?:${MONTHS.join("|")})`,
  `${W}(?:сразу|срочно|немедленно|как можно (?:скорее|раньше|быстрее)|побыстрее|поскорее|asap|as soon as possible|immediately|right away|urgently|якомога (?:швидше|скоріше|раніше)|одразу|терміново|негайно|бірден|тезірек|тез арада|жедел)`,
  `${W}(?:после|після|after)\\s+(?:нового года|нг|праздник|свят|нового року|new year|the holidays)`,
  `${W}(?:весн|лет[оа]м|осен|зим[оа]й|spring|summer|autumn|fall|winter|навесні|весною|влітку|восени|взимку|взимі|көктем|жазда|күзде|қыста)`,
  `${W}(?:следующ\\p{L}* (?:месяц|недел|год)|next (?:month|week|year|quarter)|наступн\\p{L}* (?:місяц|тиж|рок)|келесі (?:ай|апта|жыл))`,
  `${W}(?:до конца (?:года|месяца)|by the end of|до кінця (?:року|місяця)|жыл соңына|ай соңына)`,
  `${W}(?:в этом месяце|this month|цього місяця|осы айда|с понедельника|from monday|з понеділка)`,
  `${W}(?:flexible|гибко|не горит|не спешим)`,
  `${W}\\d{1,2}(?:-?го)?\\s+(?:${MONTHS.join("|")})`,
]);

/** Words about starting / launching (ads, the work, a course launch). */
export const START_WORD = words([
  "старт",
  "начать",
  "начн",
  "начина",
  "(?:пере)?запуск",
  "(?:пере)?запуст",
  "почати",
  "почина",
  "розпоч",
  "стартув",
  "баста",
  "іске қос",
  "start",
  "launch",
  "kick off",
  "go live",
]);

/** A question about when to start (the manager's questionnaire). */
export const START_QUESTION = raw([
  `${W}(?:когда|коли|қашан|when)${E}[^?]*\\?`,
  `${W}(?:старт|start)[^?]{0,20}\\?`,
]);

// ---------------------------------------------------------------------------------------------
// Meetings

/** A call / meeting / consultation. */
export const MEETING = words([
  "созвон",
  "созвонимся",
  "созвониться",
  "звон",
  "позвон",
  "встреч",
  "zoom",
  "зум",
  "google meet",
  "meet",
  "консультац",
  "разбор",
  "демо" + E,
  "в офисе",
  "в офис",
  "дзвін",
  "зустріч",
  "зустрін",
  "розмов",
  "консультаці",
  "кездес",
  "қоңырау",
  "call",
  "meeting",
  "consultation",
  "demo" + E,
  "video chat",
  "in our office",
]);

/** A message accepting a proposal (at its start). */
export const ACCEPT_START = raw([
  `^[^\\p{L}\\p{N}]*(?:да|давайте|давай|подходит|подойдет|ок|окей|ok|okay|хорошо|отлично|договорились|удобно|можно|согласн\\p{L}*|буду|будем|конечно|супер|идет|yes|yep|yeah|sure|works|fine|great|perfect|sounds good|deal|иә|ия|жарайды|болады|келістік|ыңғайлы|жақсы|так|добре|зручно|підходить|домовились|чудово|гаразд|звісно)${E}`,
]);

/** Acceptance anywhere in a short message. */
export const ACCEPT_ANY = words([
  "подходит",
  "подойдет",
  "удобно",
  "договорились",
  "подтвержда",
  "подтвердил",
  "сможет",
  "смогу",
  "буду",
  "works for",
  "suits",
  "confirmed",
  "see you",
  "ыңғайлы",
  "келістік",
  "зручно",
  "підходить",
  "домовились",
  "підтверд",
]);

/** Moving a slot ("перенести на", "лучше в"): a counter-offer. */
export const RESCHEDULE = words([
  "перенес",
  "перенест",
  "перенос",
  "лучше",
  "краще",
  "ауыстыр",
  "reschedule",
  "instead",
  "how about",
  "could we do",
]);

/** Refusing a proposed slot ("I can't", "doesn't suit"). */
export const SLOT_REJECT = raw([
  `${W}не\\s+(?:могу|смогу|получится|подходит|удобно|успею|зможу|вийде|підходить|встигну)`,
  `${W}(?:can't|cannot|won't|doesn't work|does not work)`,
  `${W}(?:болмайды|алмаймын|үлгермеймін)`,
]);

/** The manager confirming a booked slot. */
export const BOOKING_CONFIRM = raw([
  `${W}записал\\p{L}*`,
  `${W}записан\\p{L}*`,
  `${W}записую`,
  `${W}записав\\p{L}*`,
  `${W}забронирова\\p{L}*`,
  `${W}(?:жд[её]м|жду|чекаю|чекаємо) (?:вас|на вас)${E}`,
  `${W}переношу на`,
  `${W}перенесл\\p{L}* на`,
  `${W}переніс\\p{L}* на`,
  `${W}(?:встреча|созвон|консультация|звонок) (?:назначен|подтвержд)`,
  `${W}ссылк\\p{L}* (?:на (?:zoom|зум|встречу|созвон) )?(?:пришлю|будет|придет|отправлю|скину)`,
  `${W}посилання (?:надішлю|буде|прийде)`,
  `${W}сілтеме\\p{L}* (?:жіберемін|жібереміз|келеді)`,
  `${W}жазып қойдым`,
  `${W}жаздым`,
  `${W}(?:see you (?:tomorrow|on|at|then)|you're booked|booked you|i've booked|scheduled (?:you|the call|our call)|calendar invite|i'll send (?:you )?the (?:zoom )?link)`,
]);

/** The client cancelling a booked slot (without a new one, the stage goes back). */
export const CANCEL = raw([
  `${W}отмен\\p{L}*`,
  `${W}скасов\\p{L}*`,
  `${W}скасу\\p{L}*`,
  `${W}cancel\\p{L}*`,
  `${W}болдырма\\p{L}*`,
  `${W}не (?:получится|смогу|успею|успеваю|зможу|вийде|встигну)`,
  `${W}(?:can't make it|won't make it|cannot make it)`,
  `${W}(?:үлгермеймін|келе алмаймын|болмай қалды)`,
]);

/** The consultation took place: thanks for it, "after our call", "as discussed". */
export const CONSULT_DONE = raw([
  `${W}(?:спасибо|благодар\\p{L}*|дякую|дякуємо|рахмет|thanks|thank you)[^.!?\\n]{0,25}?(?:за|for)\\s+(?:\\p{L}+\\s+){0,2}?(?:созвон|звонок|встреч|разбор|консультац|общение|разговор|дзвін|зустріч|розмов|консультаці|call|meeting|consultation|session|demo)`,
  `${W}(?:созвон|кездесу|қоңырау|консультация|кеше)\\p{L}*\\s+(?:\\p{L}+\\s+)?(?:үшін\\s+)?рахмет`,
  `${W}(?:после|після|after)\\s+(?:вчерашн\\p{L}*|нашего|нашей|сегодняшн\\p{L}*|прошл\\p{L}*|вчорашн\\p{L}*|нашої|нашого|сьогоднішн\\p{L}*|our|yesterday's|today's)\\s+(?:\\p{L}+\\s+)?(?:созвон|звонк|встреч|консультац|разговор|дзвінк|зустріч|розмов|консультаці|call|meeting|consultation)`,
  `${W}(?:созвон|кездесу|қоңырау)\\p{L}*\\s+кейін\\s+(?:жіберген|болған|жасалған|алған)`,
  `${W}кешегі\\s+(?:созвон|кездесу|қоңырау)`,
]);

/** Weaker "it happened" signals, trusted only after a slot was agreed. */
export const CONSULT_DONE_WEAK = raw([
  `${W}как (?:обсуждали|обсудили|договаривались|договорились)`,
  `${W}(?:вчера|сегодня) (?:все |всё )?обсудили`,
  `${W}як (?:обговорювали|обговорили|домовлялися|домовлялись)`,
  `${W}as (?:discussed|agreed)`,
  `${W}(?:кеше|бүгін) (?:бәрін )?талқыла`,
]);

// ---------------------------------------------------------------------------------------------
// Payment

/** The client says they paid (past tense; promises do not match). */
export const PAID_IN = raw([
  `${W}оплатил\\p{L}*`,
  `${W}оплачено`,
  `${W}сплатил\\p{L}*`,
  `${W}оплатив`,
  `${W}оплату (?:провели|провел\\p{L}*|отправил\\p{L}*|сделал\\p{L}*|внесл\\p{L}*|внес)`,
  `${W}(?:внесл\\p{L}*|внес) (?:оплату|предоплату|аванс)`,
  `${W}(?:перевел\\p{L}*|перевели|скинул\\p{L}*|переказал\\p{L}*|переказали) (?:деньги|оплату|предоплату|аванс|сумму|вам|кошти|\\d)`,
  `${W}(?:чек|квитанц\\p{L}*|платежк\\p{L}*|платіжк\\p{L}*) (?:прикреп|отправ|скин|надісл|приклал|вот|во вложении)`,
  `${W}(?:прикрепил\\p{L}*|отправил\\p{L}*|скинул\\p{L}*|надіслал\\p{L}*) (?:\\p{L}+ )?(?:чек|квитанц\\p{L}*|платежк\\p{L}*|платіжк\\p{L}*)`,
  `${W}вот (?:чек|платежк\\p{L}*|квитанц\\p{L}*)`,
  `${W}квитанці\\p{L}* надісл\\p{L}*`,
  `${W}төле(?:дім|дік|п қойдым|п қойдық|п жібердім|нді)`,
  `${W}аудар(?:дым|дық|ып жібердім)`,
  `${W}(?:paid|i've paid|we've paid|have paid|payment (?:sent|made|done|completed)|transferred the (?:money|payment)|sent the payment|receipt attached)${E}(?!\\s+(?:ads|advertising|traffic|media|social|search))`,
  `\\[(?:фото|скриншот|документ|photo|image|screenshot|document)[^\\]]*(?:чек|оплат|квитанц|платеж|платіж|receipt|төлем)`,
]);

/** The manager confirms the payment arrived (past forms only: "оплату получили", not "после оплаты пришлите"). */
export const PAID_OUT = raw([
  `${W}оплат\\p{L}* (?:получен\\p{L}*|получил\\p{L}*|поступил\\p{L}*|пришл[аои]?${E}|прошл[аои]?${E}|видим|вижу|надійшл\\p{L}*|отримал\\p{L}*|отримано)`,
  `${W}(?:получили|видим|вижу|отримали|бачимо) (?:вашу )?оплату`,
  `${W}(?:спасибо|дякуємо|дякую) за оплату`,
  `${W}(?:payment|your payment) (?:received|confirmed|arrived|came through|has arrived)`,
  `${W}received (?:your|the) payment`,
  `${W}төлем\\p{L}* (?:түсті|келді|алдық|қабылданды)`,
]);

/**
 * Negation or futurity right before a match: "не оплатили", "ещё не", "после оплаты", "before paying".
 * Tested on the ~12 characters before the match.
 */
export const NEGATED_BEFORE =
  /(?:^|[^\p{L}])(?:не|ни|not|ще не|еще не|жоқ|после|після|after|до|перед|before|для)\s+$/u;

// ---------------------------------------------------------------------------------------------
// Refusal and disqualification

/** The client refuses the deal (after the offer is known). */
export const REFUSAL = raw([
  `${W}(?:не ?актуальн\\p{L}*)`,
  `${W}откаж\\p{L}*`,
  `${W}отказыва\\p{L}*`,
  `${W}вынужден\\p{L}* отказ\\p{L}*`,
  `${W}решил\\p{L}*\\s+(?:\\S+\\s+){0,4}?(?:не\\s|остаться|оставить|отказ|повременить|отложить)`,
  `${W}(?:решил\\p{L}*|выбрал\\p{L}*|остаемся|останемся|будем работать|пойдем|уходим)\\s+(?:\\S+\\s+){0,3}?(?:с |к |на )?друг\\p{L}*\\s+(?:агентств|подрядчик|исполнител|компани|студи|команд|специалист|таргетолог|вариант)`,
  `${W}(?:пока|тогда|обойдемся|обойдусь|справимся|справлюсь)\\s+(?:пока\\s+)?без вас`,
  `${W}не потян\\p{L}*`,
  `${W}не готов\\p{L}*\\s+(?:столько|платить|вкладывать|тратить|к таким|работать)`,
  `${W}(?:для (?:меня|нас)\\s+(?:\\S+\\s+){0,2}?дорог|дорог\\p{L}* для (?:меня|нас)|слишком дорого|очень дорого для)`,
  `${W}(?:нам|мне|пока)\\s+(?:это\\s+)?не\\s+(?:нужно|надо|интересно)`,
  `${W}не будем\\s+(?:запускать|работать|продолжать|рекламу|подключать)`,
  `${W}(?:пока|тогда|уже|поки|вже)\\s+не\\s+(?:буду|будем|будемо|планирую|планируем|плануємо)${E}`,
  // uk
  `${W}відмов\\p{L}*`,
  `${W}вирішил\\p{L}*\\s+(?:\\S+\\s+){0,3}?(?:не\\s|залишит)`,
  `${W}(?:з |до )?інш\\p{L}*\\s+(?:агенці|агентств|підрядник|компані|команд)\\p{L}*\\s*(?:обрали|вибрали)?`,
  `${W}не потягн\\p{L}*`,
  `${W}(?:занадто|надто|дуже) дорого`,
  `${W}не будемо\\s+(?:запускати|працювати|продовжувати)`,
  `${W}не цікаво`,
  // kk
  `${W}өзекті емес`,
  `${W}бас тарт\\p{L}*`,
  `${W}(?:керек|қажет|қызықты) емес`,
  `${W}қажеті жоқ`,
  `${W}(?:бізге|маған) қымбат`,
  `${W}басқа (?:агенттік|компания|мердігер)\\p{L}*\\s+(?:таңда|шеш)\\p{L}*`,
  // en
  `${W}(?:not (?:interested|relevant)|no longer (?:needed|relevant|interested)|we(?:'ll| will) pass|pass for now|decided (?:not|against|to stay|to go with)|not for us|no thanks|no, thank you|won't (?:proceed|continue|go ahead)|not going (?:ahead|forward)|too expensive|can't afford|cannot afford|went with another|chose another|another agency)`,
]);

/** The manager says the client does not fit (a service not sold, a budget below the minimum, no vacancy). */
export const MANAGER_REJECTS = raw([
  `${W}(?:мы\\s+)?не\\s+(?:работаем|делаем|запускаем|занимаемся|беремся|оказываем|предоставляем|сможем|подойдем|ведем)`,
  `${W}(?:ми\\s+)?не\\s+(?:працюємо|робимо|запускаємо|займаємося|займаємось|беремося|зможемо|надаємо)`,
  `${W}(?:we\\s+)?(?:don't|do not|can't|cannot|won't)\\s+(?:work|do|run|take|help|offer|provide|launch)`,
  `${W}(?:жасамаймыз|істемейміз|айналыспаймыз|алмаймыз|көмектесе алмаймыз)`,
]);
/** Words that make a manager's negative sentence a rejection of the client (not "we don't work on Sundays"). */
export const REJECT_CONTEXT = raw([
  `${W}(?:к сожалению|на жаль|unfortunately|өкінішке|увы|sorry)`,
  `${W}(?:бартер|white label|сайт|бесплатно|безкоштовно|for free|тегін|таким бюджетом|такому бюджету|такий бюджет|such a budget|минимальн|минимум|мінімальн|мінімум|minimum|окремо|отдельно|separately)`,
]);
/** The manager has no vacancy / program for the request. */
export const MANAGER_NO_PROGRAM = raw([
  `${W}(?:вакансий нет|нет вакансий|вакансій немає|немає вакансій|no (?:open )?vacancies|not hiring|бос орын жоқ|(?:реферальн|партнерск)\\p{L}* программ\\p{L}* (?:\\p{L}+\\s+){0,2}?нет|нет (?:реферальн|партнерск)\\p{L}* программ)`,
  `${W}(?:не наш\\p{L}* (?:профиль|ниш\\p{L}*|формат)|работаем только с|працюємо лише з|працюємо тільки з|we only work with)`,
]);

/** The writer wants a job or a partnership / white label, not the agency's service. */
export const CLIENT_JOB_OR_PARTNERSHIP = raw([
  `${W}(?:ищу работу|ищу ваканси\\p{L}*|возьмите (?:меня )?на работу|ищу подработку|резюме|стажировк\\p{L}*|шукаю роботу|ваканси\\p{L}*|looking for (?:a )?job|job opening|are you hiring|жұмыс іздеп|жұмысқа ал)`,
  `${W}(?:white label|под своим брендом|під своїм брендом|under my (?:own )?brand|реферальн\\p{L}*|процент (?:дадите|от|с)|субподряд|affiliate|referral|партнерск\\p{L}* (?:программ|услови)|условия для партнеров|партнерство|partnership|сотрудничеств\\p{L}*|collaborat\\p{L}*|співпрац\\p{L}*|серіктестік)`,
]);

/** The client's request is outside the offer: barter, free work, no product, only a website. */
export const CLIENT_OUT_OF_SCOPE = raw([
  `${W}(?:бартер\\p{L}*|barter|за бесплатно|безкоштовно${E}|for free${E}|тегін${E})`,
  `${W}(?:попробовать|работать|сделать|запустить|настроить|начать|вести|хотели бы|хочу|хотим)\\s+(?:\\p{L}+\\s+){0,2}?бесплатно${E}`,
  `${W}бесплатно\\s+(?:\\p{L}+\\s+){0,2}?(?:а потом|потом|с результата|за отзыв)`,
  `${W}(?:(?:продукта|товара) (?:еще |ещё |пока )?нет|no product yet|продукту (?:ще |поки )?немає)`,
  `${W}(?:только|тільки|лише|only)\\s+(?:\\S+\\s+)?(?:сайт|website|логотип|logo|дизайн)`,
]);

// ---------------------------------------------------------------------------------------------
// Niche

/**
 * Stems of business nouns (what a client may own): shops, salons, clinics, schools, cafés … in the four
 * languages, Kazakh stems cut before a final consonant that mutates (орталық → орталы-).
 */
const BUSINESS_NOUN =
  "(?:бизнес|бізнес|клиник|клінік|клиника|салон|школ|мектеп|магазин|крамниц|дүкен|компани|компані|фирм|агентств|агенці|агенттік|студи|студі|кабинет|центр|орталы|ресторан|мейрамхана|кафе|кофе(?:й|ен)|кофехана|сеть|сетк|мереж|желі|пекарн|наубайхана|кондитерск|производств|виробництв|цех|фабрик|бренд|шоурум|бутик|ателье|шеберхана|мастерск|барбершоп|доставк|автосервис|автомойк|автосалон|отель|готель|хостел|гостиниц|медцентр|лаборатор|аптек|стоматологи|shop|store|salon|studio|company|business|clinic|school|brand|agency|cafe|coffee shop|bakery|restaurant|boutique)";

/** What an expert sells: a course, a marathon, a program. Owned only with "свой/own/өз/авторский". */
const PRODUCT_NOUN =
  "(?:курс|марафон|программ|програм|проект|вебинар|вебінар|тренинг|тренінг|course|program|marathon|webinar)";

/** Filler words between "у меня" and the noun: any word but a preposition ("у меня вопрос по курсу"). */
const FILLER =
  "(?:(?!(?:по|про|about|на|for|with|к|о|об|от|для|from|of|to|в|во|у|з|із|с|со|бойынша|туралы)[\\s-])[\\p{L}]+[\\s-]+)";

/** Professions of self-employed experts (they sell their own services or courses). */
const EXPERT =
  "психолог|нутрициолог|нутриціолог|диетолог|дієтолог|фотограф|визажист|візажист|стилист|стиліст|коуч|тренер|фитнес-тренер|репетитор|астролог|таролог|бровист|лешмейкер|мастер маникюра|майстер манікюру|дизайнер|блогер|блоггер|эксперт|експерт|photographer|psychologist|nutritionist|coach|stylist|tutor|makeup artist|blogger|designer";

/** Medical business (README: clinics, dentistry, cosmetology with procedures, diagnostics, labs, rehab). */
export const MEDICINE = words([
  "клиник",
  "клінік",
  "медцентр",
  "мед\\.? ?центр",
  "медицин",
  "медичн",
  "медициналы",
  "стоматолог",
  "стоматологі",
  "дантист",
  "зубн",
  "ортодонт",
  "имплантолог",
  "косметолог",
  "дерматолог",
  "гинеколог",
  "гінеколог",
  "уролог",
  "кардиолог",
  "кардіолог",
  "невролог",
  "неврологі",
  "эндокринолог",
  "ендокринолог",
  "офтальмолог",
  "педиатр",
  "педіатр",
  "хирург",
  "хірург",
  "травматолог",
  "ортопед",
  "флеболог",
  "онколог",
  "маммолог",
  "трихолог",
  "психиатр",
  "психотерапевт",
  "нарколог",
  "реабилитац",
  "реабіліт",
  "узи",
  "мрт",
  "диагност",
  "діагност",
  "лаборатор",
  "анализы",
  "анализов",
  "аналізи",
  "чекап",
  "check-?up",
  "пациент",
  "пацієнт",
  "врач",
  "главврач",
  "лікар",
  "дәрігер",
  "науқас",
  "больниц",
  "госпитал",
  "поликлиник",
  "лечени",
  "лікуван",
  "физиотерап",
  "ветеринар",
  "ветклиник",
  "ветклінік",
  "пересадк\\p{L}* волос",
  "инъекц",
  "ботокс",
  "емхана",
  "аурухана",
  "денсаул",
  "зертхана",
  "тіс емде",
  "тіс емха",
  "clinic",
  "medical",
  "medicine",
  "dental",
  "dentist",
  "doctor",
  "patients?",
  "hospital",
  "diagnostic",
  "laborator",
  "rehab",
  "surgery",
  "surgeon",
  "physiotherap",
  "cosmetolog",
  "dermatolog",
  "gyn(?:a)?ecolog",
  "ophthalmolog",
  "cardiolog",
  "neurolog",
  "urolog",
  "pediatric",
  "healthcare",
  "med ?spa",
]);

/** Medical institutions: when both a medical word and a course word appear, these make it medicine. */
export const MEDICAL_INSTITUTION = words([
  "клиник",
  "клінік",
  "медцентр",
  "мед\\.? ?центр",
  "медицинск\\p{L}* центр",
  "медичн\\p{L}* центр",
  "медициналы\\p{L}* орталы",
  "лаборатор",
  "больниц",
  "госпитал",
  "поликлиник",
  "стоматологи[яи]",
  "кабинет (?:узи|мрт|диагност)",
  "реабилитационн",
  "емхана",
  "аурухана",
  "денсаул\\p{L}* орталы",
  "clinic",
  "hospital",
  "medical cent",
  "dental (?:practice|office)",
]);

/** Online courses, schools, coaching and expert programs. */
export const INFO_BUSINESS = words([
  "онлайн[- ]?школ",
  "онлайн[- ]?курс",
  "онлайн[- ]?мектеп",
  "онлайн[- ]?обучени",
  "онлайн[- ]?навчан",
  "онлайн[- ]?марафон",
  "курс(?!ант|ор)",
  "марафон",
  "коуч",
  "наставничеств",
  "наставництв",
  "менторств",
  "ментор",
  "вебинар",
  "вебінар",
  "интенсив",
  "інтенсив",
  "тренинг",
  "тренінг",
  "мастер-класс",
  "майстер-клас",
  "инфобизнес",
  "інфобізнес",
  "инфопродукт",
  "інфопродукт",
  "авторск\\p{L}* (?:курс|программ|методик)",
  "обучающ\\p{L}* (?:программ|платформ)",
  "оқыту",
  "online (?:school|course|program|academy)",
  "course",
  "coaching",
  "coach",
  "marathon",
  "webinar",
  "masterclass",
  "bootcamp",
  "mentorship",
  "training program",
  "e-learning",
  "edtech",
]);

/** Nouns and verbs that describe a business (for the questionnaire's niche answer). */
export const BUSINESS_DESCRIPTION = words([
  BUSINESS_NOUN,
  "производим",
  "виробля",
  "строим",
  "будуємо",
  "продаю",
  "продаем",
  "продаємо",
  "занимаемся",
  "займаємося",
  "недвижимост",
  "застройщик",
  "туристическ",
  "туристік",
  "турагент",
  "мебел",
  "меблев",
  "одежд",
  "фитнес",
  "юридическ",
  "юридичн",
  "тігін",
  "firm",
  "factory",
  "hotel",
  "gym",
  "we sell",
  "we make",
  "we build",
  "i run",
  "i own",
]);

// ---------------------------------------------------------------------------------------------
// Targetologist / SMM

/** Role words of a freelance or agency ad specialist. */
const TARGETOLOGIST_ROLE =
  "(?:таргетолог|таргетологпын|smm|смм|сммщи|smm-?щи|targetolog|media ?buyer|медиабайер|трафик-?менеджер|traffic manager|digital-?агентств|маркетинговое агентство|рекламное агентство|ads specialist|target specialist)";

/** The writer calls themselves a targetologist / SMM specialist, or acts for "my client". */
export const TARGETOLOGIST_SELF = raw([
  `${W}(?:я|мен|i'?m|i am|im|as an?|работаю|працюю|займаюсь|занимаюсь|мы|ми|we are|we're)\\s+(?:[\\p{L}-]+\\s+){0,2}?${TARGETOLOGIST_ROLE}`,
  `${W}(?:таргетологпын|таргетолог болып|smm[- ]?маманмын|маманмын)`,
  // offering themselves: "Вам нужны таргетологи?", "Шукаєте SMM-спеціалістів у команду?"
  `${W}(?:нужны|нужен|ищете|шукаєте|потрібні|потрібен|требуются|берете|are you looking for|do you need|керек пе)\\s+(?:\\p{L}+\\s+)?${TARGETOLOGIST_ROLE}`,
  `^[^\\p{L}\\p{N}]*${TARGETOLOGIST_ROLE}${E}`,
  `${W}(?:для |у )?(?:моего|моей|мого|моєї) клиент\\p{L}*`,
  `${W}(?:для |у )?(?:мого|моєї) клієнт\\p{L}*`,
  `${W}мой клиент${E}`,
  `${W}мій клієнт${E}`,
  `${W}у меня (?:есть )?клиент${E}`,
  `${W}(?:my|our) client${E}`,
  `${W}менің клиент\\p{L}*`,
  `${W}веду (?:нескольк\\p{L}* )?(?:клиент|проект|соцсет|аккаунт|инстаграм)\\p{L}*`,
]);
/** "Our targetologist", "in-house": an employee of the business, not a freelancer. */
export const IN_HOUSE = raw([`${W}(?:наш\\p{L}*|our|біздің|в штате|in-house|inhouse)${E}`]);

// ---------------------------------------------------------------------------------------------
// Owner / decision maker

/** Owning the business, stated by the writer (strong). */
export const OWNER_STRONG = raw([
  `${W}(?:я|мен|i'?m|i am)\\s+(?:\\p{L}+\\s+){0,3}?(?:владел\\p{L}*|собственни\\p{L}*|основател\\p{L}*|соосновател\\p{L}*|учредител\\p{L}*|соучредител\\p{L}*|совладел\\p{L}*|хозяйк\\p{L}*|хозяин\\p{L}*|власни\\p{L}*|засновни\\p{L}*|співзасновни\\p{L}*|співвласни\\p{L}*|owner|founder|co-founder|cofounder|автор\\p{L}*)`,
  // an answer that is just the role: "Владелец.", "Собственник, да", "Так, власник", "Владелец и главврач" —
  // not a sentence about someone else ("Владелец решил …")
  `^[^\\p{L}\\p{N}]*(?:да|так|иә|yes)?[^\\p{L}\\p{N}]*(?:владел\\p{L}*|собственни\\p{L}*|основател\\p{L}*|соосновател\\p{L}*|учредител\\p{L}*|соучредител\\p{L}*|совладел\\p{L}*|хозяйк\\p{L}*|власни\\p{L}*|засновни\\p{L}*|співзасновни\\p{L}*|owner|founder|co-founder)${E}(?=\\s*(?:$|[.,!;)—-]|и\\s|і\\s|та\\s|and\\s|я${E}|мен${E}))`,
  `${W}(?:владел\\p{L}*|собственни\\p{L}*|власни\\p{L}*|засновни\\p{L}*|хозяйк\\p{L}*|owner|founder)\\s+(?:я|мен|here)${E}`,
  `${W}(?:владел\\p{L}*|собственни\\p{L}*|основател\\p{L}*|власни\\p{L}*|засновни\\p{L}*),?\\s+(?:да|так)${E}`,
  `${W}(?:руковожу и владею|владею и руковожу|владею (?:клиникой|компанией|бизнесом|салоном|школой|магазином|агентством))`,
  `${W}(?:иесімін|иесі мен|мен иесі|менікі|өзімдікі|өзімнің бизнес\\p{L}*|құрылтайшы\\p{L}*|негізін қалаушы\\p{L}*|автормын)`,
  `${W}(?:мой|моя|мое|моё|мои|мій|моє|my)\\s+${FILLER}{0,2}?${BUSINESS_NOUN}`,
  `${W}(?:свой|своя|свое|своё|свою|свои|собственн\\p{L}*|свій|власн\\p{L}*|my own|өз)\\s+${FILLER}{0,2}?(?:${BUSINESS_NOUN}|${PRODUCT_NOUN})`,
  `${W}автор\\p{L}* (?:курс|программ|марафон|методик|course|program)`,
  `${W}(?:бизнес|клиник\\p{L}*|салон|школа|магазин|компания|агентство|студия|кабинет|центр|ресторан|кафе|клініка|бізнес|компанія)\\s+(?:мой|моя|мое|моё|мій|моє|менікі|өзімдікі)${E}`,
  `${W}(?:it'?s my own|it is my own|i own|we own)${E}`,
  `${W}(?:(?:я|все|всё)\\s+)?(?:решаю|решать буду)\\s+(?:я|сам|сама|сами)${E}`,
  `${W}(?:сам|сама|сами|я)\\s+(?:все |всё )?(?:решаю|принимаю решени\\p{L}*)`,
  `${W}решени\\p{L}* (?:за мной|принимаю я|принимаю сам\\p{L}*|мое|моё)`,
  `${W}(?:вирішую|вирішуватиму)\\s+(?:я|сам|сама)${E}`,
  `${W}(?:сам|сама|я)\\s+(?:все |усе )?вирішую`,
  `${W}рішення (?:за мною|приймаю я|моє)`,
  `${W}(?:шешімді (?:мен|өзім) қабылдаймын|өзім шешемін|мен шешемін)`,
  `${W}(?:i decide|i make (?:the|all) decisions?|the decision is mine|my decision|decisions? (?:are|is) mine|i'm the decision maker|i am the decision maker)`,
]);

/** Leading the business (director, head, CEO): true unless someone else is said to decide. */
export const OWNER_ROLE = raw([
  `${W}(?:я|мен|i'?m|i am)\\s+(?:\\p{L}+\\s+){0,1}?(?:директор|генеральн\\p{L}* директор|руководител\\p{L}*|руковожу|керівни\\p{L}*|керую|ceo|head of|managing director|главврач|главн\\p{L}* врач\\p{L}*|басшы\\p{L}*)${E}`,
  `${W}(?:директормын|басшымын)`,
  `^[^\\p{L}\\p{N}]*(?:да|так|иә|yes)?[^\\p{L}\\p{N}]*(?:директор|руководитель|главврач|ceo)${E}(?=\\s*(?:$|[.,!;)—-]|и\\s|і\\s|and\\s|я${E}))`,
]);

/** Owning a business, weakly: "у меня салон", "маю клініку", "I run an online program". */
export const OWNER_WEAK = raw([
  `${W}(?:у меня|у мене|маю|бізде|i have)\\s+(?:есть\\s+|є\\s+|an?\\s+)?${FILLER}{0,3}?${BUSINESS_NOUN}`,
  `${W}(?:менің|өз)\\s+(?:\\p{L}+\\s+){0,2}?${BUSINESS_NOUN}\\p{L}*(?:\\s+\\p{L}+)?\\s+(?:бар|ашт\\p{L}*)${E}`,
  `${W}${BUSINESS_NOUN}\\p{L}*(?:ым|ім|м)\\s+бар${E}`,
  `${W}(?:i run|i own)${E}`,
  `${W}(?:открыл\\p{L}*|відкрил\\p{L}*|відкрив|opened|started)\\s+${FILLER}{0,2}?${BUSINESS_NOUN}`,
  `${W}${BUSINESS_NOUN}\\p{L}*\\s+(?:\\p{L}+\\s+)?(?:аштым|аштық|ашқанмын|ашқанбыз|ашқам|ашып алдым)${E}`,
  // a self-employed expert selling their own service or course (README: "self-employed people buying for
  // their own services"): "я психолог", "визажистпін", "i'm a photographer"
  `${W}(?:я|мен|i'?m an?|i am an?)\\s+(?:${EXPERT})${E}(?!\\s+(?:в|во|у|at|in|клиник|центр))`,
  `${W}(?:${EXPERT})(?:пын|пін|мын|мін|бын|бін)${E}`,
]);

/** Someone else decides, or the writer is an employee. */
export const NOT_DECIDER = raw([
  `${W}(?:я|мен|i'?m|i am)\\s+(?:\\p{L}+\\s+)?(?:администратор|админ|маркетолог|менеджер|управляющ\\p{L}*|керуюч\\p{L}*|ассистент|помощни\\p{L}*|сотрудни\\p{L}*|секретар\\p{L}*|бухгалтер|адміністратор|асистент|помічни\\p{L}*|співробітни\\p{L}*|marketing|marketer|manager|assistant|administrator|receptionist|employee|коммерческ\\p{L}* директор|исполнительн\\p{L}* директор|комерційн\\p{L}* директор|директор по (?:маркетингу|продажам|развитию|рекламе)|marketing director|sales director)`,
  `${W}(?:әкімшімін|менеджермін|маркетологпын|қызметкермін|көмекшімін)`,
  `${W}(?:пишу от|пишу по поручению|пишу від|представляю|writing on behalf|on behalf of)`,
  `${W}(?:решает|решит|решать будет|вирішує|вирішить|decides|will decide|шешеді)\\s+(?:\\p{L}+\\s+)?(?:директор|руковод\\p{L}*|собственни\\p{L}*|владел\\p{L}*|шеф|начальни\\p{L}*|учредител\\p{L}*|основател\\p{L}*|генеральн\\p{L}*|партнер\\p{L}*|засновни\\p{L}*|керівни\\p{L}*|власни\\p{L}*|ceo|boss|owner|founder|director|management|басшы\\p{L}*|иесі)`,
  `${W}(?:директор|руковод\\p{L}*|собственни\\p{L}*|владел\\p{L}*|шеф|начальни\\p{L}*|засновни\\p{L}*|керівни\\p{L}*|власни\\p{L}*|ceo|boss|owner|founder|director|management|басшы\\p{L}*)\\s+(?:\\p{L}+\\s+)?(?:решает|решит|принимает решени\\p{L}*|вирішує|приймає рішення|decides|will decide|makes the decision|шешеді|қабылдайды)`,
  `${W}(?:решение|рішення|decision|шешімді)\\s+(?:\\p{L}+\\s+){0,2}?(?:принимает|приймає|за|is with|is up to|rests with|қабылдайды)\\s+(?:\\p{L}+\\s+)?(?:директор|руковод\\p{L}*|собственни\\p{L}*|владел\\p{L}*|шеф|начальни\\p{L}*|засновни\\p{L}*|керівни\\p{L}*|власни\\p{L}*|ceo|boss|owner|founder|director|management|басшы\\p{L}*)`,
  `${W}(?:шешімді|решение|рішення)\\s+(?:директор|басшы|иесі)\\p{L}*\\s+(?:қабылдайды|принимает|приймає)`,
  `${W}(?:руководство|керівництво|management)\\s+(?:\\p{L}+\\s+)?(?:поручил\\p{L}*|хочет|решил\\p{L}*|доручил\\p{L}*|хоче|asked|wants)`,
  `${W}(?:передам|передал\\p{L}*|покажу|показал\\p{L}*|согласую|уточню|передам|передала)\\s+(?:\\p{L}+\\s+)?(?:\\p{L}+\\s+)?(?:директор\\p{L}*|руководств\\p{L}*|руководител\\p{L}*|шеф\\p{L}*|собственник\\p{L}*|владельц\\p{L}*)`,
  `${W}(?:это к директору|это к руководству|надо согласовать|нужно согласовать|треба погодити)`,
]);

/** A manager question about ownership / decision ("Вы владелец?", "Школа ваша?", "Орталық сіздікі ме?"). */
export const OWNER_QUESTION = raw([
  `${W}(?:владел\\p{L}*|собственни\\p{L}*|основател\\p{L}*|решени\\p{L}*|решаете|сіздікі|иесі|власни\\p{L}*|вирішуєте|рішення|owner|decision maker|decide|yours|ваш[аеи]?(?=\\s*\\?)|ваш[аеи]? (?:собственн|авторск)\\p{L}*|авторск\\p{L}*)[^?.!]*\\?`,
]);

/** Ownership named in a manager's restatement ("клуб ваш, …, верно?"). */
export const OWNER_RESTATED = words([
  "владел",
  "собственни",
  "ваш[аеи]?" + E,
  "власни",
  "owner",
  "yours",
  "сіздікі",
  "иесі",
]);

/** Distinctive Russian function words, to see Russian inside a Kazakh message (language `mixed`). */
export const RUSSIAN_WORDS = words(
  [
    "я",
    "мы",
    "вы",
    "это",
    "что",
    "как",
    "все",
    "понятно",
    "давайте",
    "спасибо",
    "хорошо",
    "нам",
    "мне",
    "нужн\\p{L}*",
    "или",
    "нет",
    "здравствуйте",
  ].map((w) => w + E),
);

/** A short "yes" / "mine" answer. */
export const AFFIRMATIVE_START = raw([
  `^[^\\p{L}\\p{N}]*(?:да|так|иә|ия|yes|yep|yeah|ага|конечно|верно|точно|именно|мой|моя|моё|мое|мои|мій|менікі|өзімдікі|звісно|авжеж|sure|correct|right|of course)${E}`,
]);
/** The manager restating a fact for confirmation ("…, верно?"). */
export const RESTATEMENT = raw([
  `${W}(?:верно|правильно|так ведь|я правильно понял\\p{L}*|правильно понимаю|вірно|правильно розумію|correct|right|is that right|дұрыс па|солай ма)[^\\p{L}\\p{N}]*\\?`,
]);

// ---------------------------------------------------------------------------------------------
// Budget

const NUMBER =
  "(?<![\\p{L}\\p{N}])\\d{1,3}(?:[ \\u00a0.,]\\d{3})+(?![\\p{N}])|(?<![\\p{L}\\p{N}])\\d+(?:[.,]\\d+)?";
const MULTIPLIER =
  "(?:тыс\\p{L}*|тис\\p{L}*|мың|мын|млн|миллион\\p{L}*|мільйон\\p{L}*|million|mln|к|k|m)(?![\\p{L}])";
const CURRENCY =
  "(?:тенге|теңге|тг|₸|kzt|руб\\p{L}*|р\\.|₽|rub|грн|гривен\\p{L}*|гривн\\p{L}*|гривень|₴|uah|\\$|доллар\\p{L}*|долар\\p{L}*|usd|dollars?|bucks|евро|€|eur|euros?|сом)";

/** Amounts in words: "полмиллиона", "пів мільйона", "двести тысяч", "жарты миллион", "half a million". */
const WORD_AMOUNT =
  "(?<![\\p{L}])(?:(?:пол|полу|полтора|полторы|пів|півтора|жарты|half a|a|one|one and a half|один|одна|два|две|три|пять|два|дві|бір|екі|үш|бес)[\\s-]?(?:миллион|мільйон|млн|million)\\p{L}*|(?:сто|двести|триста|четыреста|пятьсот|шестьсот|семьсот|восемьсот|девятьсот|двісті|чотириста|п'ятсот|жүз|екі жүз|үш жүз|төрт жүз|бес жүз|one hundred|two hundred|three hundred|four hundred|five hundred|a hundred)\\s+(?:тысяч|тисяч|мың|thousand)\\p{L}*|миллион\\p{L}*|мільйон\\p{L}*)";

/** An amount of money: a number with a multiplier and/or a currency, a currency before a number, or an amount in words. */
export const MONEY = raw([
  `${WORD_AMOUNT}(?:\\s?${CURRENCY})?`,
  // spoken order "тысяч 150", "мың 200"
  `(?<![\\p{L}])(?:тысяч|тыс|тисяч|мың)\\s+\\d{1,3}(?![\\p{N}])(?:\\s?${CURRENCY})?`,
  `(?:${NUMBER})\\s?${MULTIPLIER}\\s?${CURRENCY}?`,
  `(?:${NUMBER})\\s?${CURRENCY}`,
  `(?:\\$|€|₸|₽|usd|kzt|eur)\\s?(?:${NUMBER})(?:\\s?${MULTIPLIER})?`,
]);

/** Words that make an amount a budget for ads or for the agency (not a product price). */
export const BUDGET_CONTEXT = words([
  "бюджет",
  "тратим",
  "трачу",
  "потратим",
  "потратить",
  "тратить",
  "вкладыва",
  "вложить",
  "выделить",
  "выделяем",
  "выделим",
  "готов\\p{L}* (?:выделить|вложить|платить|тратить|инвестировать)",
  "в месяц",
  "в мес",
  "ежемесячно",
  "на рекламу",
  "на запуск",
  "на продвижение",
  "на таргет",
  "на місяць",
  "щомісяця",
  "виділ",
  "витрача",
  "айына",
  "айлық",
  "бюджеті",
  "бөле",
  "жұмса",
  "жарнамаға",
  "budget",
  "spend",
  "spending",
  "invest",
  "a month",
  "per month",
  "monthly",
  "/month",
  "/mo",
  "for ads",
  "on ads",
]);

/** The client talks about the budget at all (an answer even when there is no figure). */
export const BUDGET_WORD = words([
  "бюджет",
  "budget",
  "бюджеті",
  "бюджетті",
  "бюджетім",
  "сколько (?:готовы|можем) (?:выделить|вложить)",
]);

/** A budget figure given after the word "budget" without a currency: "бюджет 300000", "budget 2000". */
export const BUDGET_BARE_NUMBER = raw([
  `${W}(?:бюджет\\p{L}*|budget)\\s+(?:\\p{L}+\\s+){0,3}?(?:\\d{1,3}(?:[ \\u00a0.,]\\d{3})+|\\d{4,})(?![\\p{N}])`,
]);

// ---------------------------------------------------------------------------------------------
// Misc

/** Attachment placeholders of chat exports: their content is unknown (README "Voice messages"). */
export const PLACEHOLDER = /^\s*\[[^\]]*\]\s*$/u;
