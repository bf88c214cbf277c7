import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type DialogFacts, scoreDialog } from "@pulse/domain";
import { type DialogMessage, extractDialogFactsOffline, normalizeForMatch } from "./offline-extractor.js";

// Hand-written dialogs (not taken from fixtures/dialogs/labeled.jsonl). `>` is the client, `<` the manager.
function dialog(...lines: string[]): DialogMessage[] {
  return lines.map((line, i) => ({
    direction: line.startsWith(">") ? "incoming" : "outgoing",
    text: line.slice(1).trim(),
    sent_at: new Date(Date.UTC(2026, 10, 9, 10, i)).toISOString(),
  }));
}

type Expected = Pick<
  DialogFacts,
  "funnel_stage" | "niche" | "is_owner_or_decision_maker" | "budget_stated" | "is_targetologist_or_smm"
> & { interest: "hot" | "warm" | "cold" };

function expectFacts(messages: DialogMessage[], expected: Expected): void {
  const { facts } = extractDialogFactsOffline(messages);
  const { interest } = scoreDialog(facts);
  assert.deepEqual(
    {
      funnel_stage: facts.funnel_stage,
      niche: facts.niche,
      is_owner_or_decision_maker: facts.is_owner_or_decision_maker,
      budget_stated: facts.budget_stated,
      is_targetologist_or_smm: facts.is_targetologist_or_smm,
      interest,
    },
    expected,
  );
}

describe("offline extractor — Russian", () => {
  test("given a dental owner who states a budget, books, meets and sends the payment, when extracted, then deal_closed and hot", () => {
    expectFacts(
      dialog(
        "> Добрый вечер! У нас стоматология в Караганде, две клиники. Я совладелец",
        "< Добрый вечер! Какой рекламный бюджет планируете и когда хотите запуститься?",
        "> Готовы тратить около 700 тыс. тенге в месяц, старт в январе",
        "< Отлично. Можем созвониться в четверг в 16:00?",
        "> Да, четверг подходит",
        "< Спасибо за встречу! Счёт на первый месяц отправила",
        "> Оплату отправили, вот скрин",
        "> [скриншот оплаты]",
      ),
      {
        funnel_stage: "deal_closed",
        niche: "medicine",
        is_owner_or_decision_maker: true,
        budget_stated: true,
        is_targetologist_or_smm: false,
        interest: "hot",
      },
    );
  });

  test("given a barbershop owner asking for a logo the agency does not make, when extracted, then not_qualified", () => {
    expectFacts(
      dialog(
        "> Здравствуйте, я владелец барбершопа. Сколько стоит сделать логотип и оформить профиль?",
        "< Здравствуйте! К сожалению, дизайном и логотипами мы не занимаемся — только реклама и воронки продаж",
        "> Понял, спасибо",
      ),
      {
        funnel_stage: "not_qualified",
        niche: "other",
        is_owner_or_decision_maker: true,
        budget_stated: false,
        is_targetologist_or_smm: false,
        interest: "cold",
      },
    );
  });

  test("given a car-service owner who agrees a Friday slot, when extracted, then consultation_booked, no budget figure", () => {
    expectFacts(
      dialog(
        "> Добрый день, у меня автосервис в Павлодаре, хочу больше клиентов",
        "< Добрый день! Вы владелец? Какой бюджет готовы выделить и когда планируете старт?",
        "> Да. Бюджет пока не знаю, хочу понять сколько нужно. Начать можно хоть завтра",
        "< Давайте обсудим на созвоне. Пятница в 11:00 или в 15:00?",
        "> В 15:00 удобно",
        "< Записал вас на пятницу, 15:00",
      ),
      {
        funnel_stage: "consultation_booked",
        niche: "other",
        is_owner_or_decision_maker: true,
        budget_stated: false,
        is_targetologist_or_smm: false,
        interest: "warm",
      },
    );
  });

  test("given a clinic manager whose owner declines after the call, when extracted, then deal_lost and not the decision maker", () => {
    expectFacts(
      dialog(
        "> Здравствуйте, я управляющая косметологической клиники в Алматы",
        "< Здравствуйте! Давайте созвонимся завтра в 12:00 и разберём вашу рекламу?",
        "> Хорошо",
        "> Спасибо за разбор, передала всё владельцу",
        "> Владелец решил пока не запускать рекламу, извините",
      ),
      {
        funnel_stage: "deal_lost",
        niche: "medicine",
        is_owner_or_decision_maker: false,
        budget_stated: false,
        is_targetologist_or_smm: false,
        interest: "cold",
      },
    );
  });

  test("given a manager restating voice-message facts and the client confirming, when extracted, then owner and budget count (qualified)", () => {
    expectFacts(
      dialog(
        "> Здравствуйте, интересует реклама для нашего фитнес-клуба",
        "> [голосовое сообщение]",
        "< Правильно понимаю: клуб ваш, и на рекламу готовы около 400 тысяч тенге в месяц, верно?",
        "> Да, всё так",
      ),
      {
        funnel_stage: "qualified",
        niche: "other",
        is_owner_or_decision_maker: true,
        budget_stated: true,
        is_targetologist_or_smm: false,
        interest: "warm",
      },
    );
  });

  test("given a promise to pay and an unpaid invoice, when extracted, then the stage stays consultation_completed", () => {
    expectFacts(
      dialog(
        "> Добрый день, онлайн-школа рисования, я основательница. Бюджет 150 000 рублей в месяц",
        "< Предлагаю созвон завтра в 10:00",
        "> Давайте",
        "> После вчерашнего созвона всё понятно, пришлите счёт",
        "< Счёт отправила",
        "> Ещё не оплатили, оплатим в понедельник",
      ),
      {
        funnel_stage: "consultation_completed",
        niche: "info_business",
        is_owner_or_decision_maker: true,
        budget_stated: true,
        is_targetologist_or_smm: false,
        interest: "hot",
      },
    );
  });
});

describe("offline extractor — Ukrainian", () => {
  test("given a course author with a budget who had the Zoom call, when extracted, then consultation_completed and hot", () => {
    expectFacts(
      dialog(
        "> Добрий день! Я авторка курсу з фотографії, продаю через інстаграм",
        "> На рекламу готова витрачати 30 тисяч гривень на місяць",
        "< Вітаю! Пропоную зустріч у Zoom завтра о 18:00?",
        "> Так, давайте",
        "> Дякую за зустріч, все зрозуміло. Подумаю над тарифом і напишу",
      ),
      {
        funnel_stage: "consultation_completed",
        niche: "info_business",
        is_owner_or_decision_maker: true,
        budget_stated: true,
        is_targetologist_or_smm: false,
        interest: "hot",
      },
    );
  });

  test("given a price question about dentistry only, when extracted, then new_lead, medicine, cold", () => {
    expectFacts(
      dialog(
        "> Скільки коштує реклама для стоматології?",
        "< Вітаю! Від 20 000 грн на місяць плюс рекламний бюджет. Розкажіть, будь ласка, про вашу клініку",
        "> Дякую, подумаю",
      ),
      {
        funnel_stage: "new_lead",
        niche: "medicine",
        is_owner_or_decision_maker: false,
        budget_stated: false,
        is_targetologist_or_smm: false,
        interest: "cold",
      },
    );
  });

  test("given a booked shop owner who then picks another agency, when extracted, then deal_lost", () => {
    expectFacts(
      dialog(
        "> Привіт! Маю магазин дитячого одягу в Житомирі, я власниця",
        "< Вітаю! Пропоную дзвінок у середу о 12:00, підходить?",
        "> Так, підходить",
        "> Вибачте, ми обрали іншу агенцію. Дзвінок скасовуємо",
      ),
      {
        funnel_stage: "deal_lost",
        niche: "other",
        is_owner_or_decision_maker: true,
        budget_stated: false,
        is_targetologist_or_smm: false,
        interest: "cold",
      },
    );
  });
});

describe("offline extractor — Kazakh", () => {
  test("given a coffee-shop owner with a budget who pays after the call, when extracted, then deal_closed", () => {
    expectFacts(
      dialog(
        "> Сәлеметсіз бе! Менің Алматыда кофеханам бар",
        "> Жарнамаға айына 300 мың теңге бөлуге дайынмын",
        "< Керемет! Ертең 14:00-де созвон жасайық па?",
        "> Иә, болады",
        "> Созвонға рахмет! Шотты жіберіңізші",
        "< Шот жіберілді 📎",
        "> Төледім, чекті жібердім",
        "< Рахмет, төлем түсті!",
      ),
      {
        funnel_stage: "deal_closed",
        niche: "other",
        is_owner_or_decision_maker: true,
        budget_stated: true,
        is_targetologist_or_smm: false,
        interest: "hot",
      },
    );
  });

  test("given a clinic administrator who answers decision maker, budget and start, when extracted, then qualified, not the owner", () => {
    expectFacts(
      dialog(
        "> Сәлеметсіз бе, біз стоматология клиникасымыз, Шымкент",
        "< Сәлеметсіз бе! Шешімді кім қабылдайды? Бюджет қанша? Қашан бастағыңыз келеді?",
        "> Мен әкімшімін, шешімді бас дәрігер қабылдайды. Бюджетті әлі білмейміз",
        "> Бастау — қаңтарда",
        "< Түсіндім, ұсыныс дайындаймын",
      ),
      {
        funnel_stage: "qualified",
        niche: "medicine",
        is_owner_or_decision_maker: false,
        budget_stated: false,
        is_targetologist_or_smm: false,
        interest: "warm",
      },
    );
  });

  test("given a targetologist asking for a job, when extracted, then not_qualified, other, −30", () => {
    expectFacts(
      dialog(
        "> Сәлеметсіз бе! Мен таргетологпын, 3 жыл тәжірибем бар",
        "> Сіздерге жұмысқа орналасқым келеді, бос орын бар ма?",
        "< Рахмет! Қазір бос орын жоқ",
      ),
      {
        funnel_stage: "not_qualified",
        niche: "other",
        is_owner_or_decision_maker: false,
        budget_stated: false,
        is_targetologist_or_smm: true,
        interest: "cold",
      },
    );
  });
});

describe("offline extractor — English", () => {
  test("given a dental practice owner with a monthly spend who accepts a Tuesday slot, when extracted, then booked and hot", () => {
    expectFacts(
      dialog(
        "> Hi, I own a dental practice in Astana and want more patients for implants",
        "> We can spend around 3,000 USD monthly on ads",
        "< Thanks! Does Tuesday at 11am work for a call with our strategist?",
        "> Tuesday works",
        "< Great, you're booked for Tuesday 11:00. I'll send the Zoom link",
      ),
      {
        funnel_stage: "consultation_booked",
        niche: "medicine",
        is_owner_or_decision_maker: true,
        budget_stated: true,
        is_targetologist_or_smm: false,
        interest: "hot",
      },
    );
  });

  test("given a media buyer asking for white label, when extracted, then not_qualified targetologist and score 0", () => {
    const messages = dialog(
      "> Hi! I'm a freelance media buyer. Do you offer a white label funnel I could resell to my clients?",
      "< Sorry, we don't do white label, we only work with business owners directly",
      "> Ok, got it",
    );
    expectFacts(messages, {
      funnel_stage: "not_qualified",
      niche: "other",
      is_owner_or_decision_maker: false,
      budget_stated: false,
      is_targetologist_or_smm: true,
      interest: "cold",
    });
    assert.equal(scoreDialog(extractDialogFactsOffline(messages).facts).score, 0);
  });

  test("given a founder of an online course who chose another agency, when extracted, then deal_lost", () => {
    expectFacts(
      dialog(
        "> Hello, I'm the founder of an online course for UX designers",
        "> Budget is about $800/month, we'd like to start in March",
        "< Thanks! I'll prepare a proposal",
        "> Thanks for the proposal, but we decided to go with another agency",
      ),
      {
        funnel_stage: "deal_lost",
        niche: "info_business",
        is_owner_or_decision_maker: true,
        budget_stated: true,
        is_targetologist_or_smm: false,
        interest: "cold",
      },
    );
  });
});

describe("offline extractor — mixed Kazakh/Russian", () => {
  test("given a mixed-language owner of a medical centre who had the call, when extracted, then consultation_completed and hot", () => {
    const messages = dialog(
      "> Сәлеметсіз бе! Біздің медициналық орталық бар, Атырау. Я владелица",
      "> Бюджет айына 500 мың теңге",
      "< Рахмет! Завтра в 15:00 созвонимся?",
      "> Иә, давайте",
      "> Кешегі созвонға рахмет, всё понятно. Ойланып жазамын",
    );
    expectFacts(messages, {
      funnel_stage: "consultation_completed",
      niche: "medicine",
      is_owner_or_decision_maker: true,
      budget_stated: true,
      is_targetologist_or_smm: false,
      interest: "hot",
    });
    assert.equal(extractDialogFactsOffline(messages).language, "mixed");
  });
});

describe("offline extractor — evidence, questionnaire, summary", () => {
  const messages = dialog(
    "> Здравствуйте! Я владелица салона красоты в Костанае",
    "< Здравствуйте! Какой бюджет на рекламу и когда старт?",
    "> Бюджет 200 тысяч тенге в месяц, стартовать хотим с декабря",
    "< Отлично, подготовлю расчёт",
  );
  const result = extractDialogFactsOffline(messages);

  test("given a qualified dialog, when extracted, then every evidence quote is a verbatim substring of its message", () => {
    assert.ok(result.evidence.length > 0);
    for (const e of result.evidence) {
      const text = messages[e.message_index]?.text ?? "";
      assert.ok(text.includes(e.quote), `${e.fact}: ${e.quote}`);
      assert.equal(messages[e.message_index]?.direction, e.direction);
    }
  });

  test("given a qualified dialog, when extracted, then the owner, budget and stage quotes point at the client's words", () => {
    const quote = (fact: string) => result.evidence.find((e) => e.fact === fact)?.quote;
    assert.equal(quote("is_owner_or_decision_maker"), "Я владелица салона красоты в Костанае");
    assert.equal(quote("budget_stated"), "Бюджет 200 тысяч тенге в месяц, стартовать хотим с декабря");
    assert.equal(result.facts.funnel_stage, "qualified");
  });

  test("given the default questionnaire, when extracted, then the four answers are quotes or null", () => {
    assert.deepEqual(Object.keys(result.facts.questionnaire), ["niche", "decision_maker", "budget", "start"]);
    assert.equal(result.facts.questionnaire["niche"], "Я владелица салона красоты в Костанае");
    assert.equal(
      result.facts.questionnaire["start"],
      "Бюджет 200 тысяч тенге в месяц, стартовать хотим с декабря",
    );
  });

  test("given a custom questionnaire, when extracted, then unknown questions are null and known ones answered", () => {
    const custom = extractDialogFactsOffline(messages, {
      questionnaire: [
        { id: "budget", text: "Бюджет?" },
        { id: "city", text: "Город?" },
      ],
    });
    assert.deepEqual(Object.keys(custom.facts.questionnaire), ["budget", "city"]);
    assert.equal(custom.facts.questionnaire["city"], null);
    assert.notEqual(custom.facts.questionnaire["budget"], null);
  });

  test("given any dialog, when extracted, then the summary is short and names the stage", () => {
    assert.match(result.facts.summary, /qualified/);
    assert.ok(result.facts.summary.length < 400);
    assert.equal(result.language, "ru");
  });
});

describe("offline extractor — edge cases", () => {
  test("given no messages, when extracted, then a cold new lead with nothing answered", () => {
    const { facts, evidence } = extractDialogFactsOffline([]);
    assert.equal(facts.funnel_stage, "new_lead");
    assert.equal(facts.niche, "other");
    assert.deepEqual(Object.values(facts.questionnaire), [null, null, null, null]);
    assert.deepEqual(evidence, []);
  });

  test("given only voice messages, when extracted, then nothing is inferred from them", () => {
    const { facts } = extractDialogFactsOffline(
      dialog("> [голосовое сообщение]", "> [голосовое сообщение]", "< Напишите, пожалуйста, текстом"),
    );
    assert.equal(facts.funnel_stage, "new_lead");
    assert.equal(facts.is_owner_or_decision_maker, false);
  });

  test("given a price the manager proposed and the client accepted, when extracted, then the budget is not stated by the client", () => {
    const { facts } = extractDialogFactsOffline(
      dialog(
        "> Добрый день, я хозяйка цветочного магазина",
        "< Тариф «Старт» — 250 000 ₸ в месяц плюс рекламный бюджет. Выставить счёт?",
        "> Да, выставляйте",
      ),
    );
    assert.equal(facts.budget_stated, false);
  });

  test("given an in-house SMM manager, when extracted, then not a targetologist", () => {
    const { facts } = extractDialogFactsOffline(
      dialog(
        "> Здравствуйте! Я SMM-менеджер нашей клиники, сами ведём таргет",
        "< Здравствуйте! Кто принимает решение?",
      ),
    );
    assert.equal(facts.is_targetologist_or_smm, false);
    assert.equal(facts.niche, "medicine");
  });

  test("given a manager asking to send the receipt after paying, when extracted, then no payment is assumed", () => {
    const { facts } = extractDialogFactsOffline(
      dialog(
        "> Можно оплатить через Kaspi?",
        "< Да, после оплаты пришлите, пожалуйста, чек",
        "> Хорошо, вечером оплачу",
      ),
    );
    assert.notEqual(facts.funnel_stage, "deal_closed");
  });

  test("given text with capitals and ё, when normalised, then the length is kept", () => {
    const text = "Ещё ОПЛАТИЛА’ Ёлка";
    assert.equal(normalizeForMatch(text).length, text.length);
    assert.equal(normalizeForMatch(text), "еще оплатила' елка");
  });
});

type Gold = [stage: string, niche: string, owner: boolean, budget: boolean, targetologist: boolean];
const d = dialog;

// More hand-written dialogs, one line each for the five facts.
const TABLE: Array<[name: string, messages: DialogMessage[], gold: Gold]> = [
  [
    "ru reversal: no budget, later named",
    d(
      "> Здравствуйте, у нас сеть кофеен в Астане, я собственник",
      "< Здравствуйте! Какой бюджет на рекламу?",
      "> Пока бюджета нет, хотели бы бесплатно протестировать",
      "< К сожалению, бесплатно не работаем, минимум 200 000 ₸ в месяц",
      "> Обсудили с партнёром — готовы выделить 300 тысяч в месяц, хотим начать в декабре",
      "< Отлично, подготовлю расчёт",
    ),
    ["qualified", "other", true, true, false],
  ],
  [
    "ru owner will hire a targetologist",
    d(
      "> Добрый день. Я хозяйка магазина тканей, хотим нанять таргетолога или агентство",
      "< Добрый день! Какой бюджет и когда старт?",
      "> Бюджет около 100 тыс рублей в месяц, старт после Нового года",
    ),
    ["qualified", "other", true, true, false],
  ],
  [
    "ru day-only slot accepted",
    d(
      "> Здравствуйте, клиника эстетической косметологии, я главный врач и владелица",
      "< Здравствуйте! Давайте созвонимся в среду, покажу кейсы?",
      "> Давайте в среду после обеда",
      "< Хорошо, в среду после обеда наберу вас",
    ),
    ["consultation_booked", "medicine", true, false, false],
  ],
  [
    "ru early not relevant",
    d(
      "> Сколько стоит ведение рекламы?",
      "< Здравствуйте! От 250 000 ₸ в месяц. Расскажите о вашем бизнесе?",
      "> Ой, дорого для нас. Не актуально",
    ),
    ["not_qualified", "other", false, false, false],
  ],
  [
    "en paid by transfer",
    d(
      "> Hi, we're a yoga studio in Almaty, I'm the owner",
      "< Hi! Monthly ad budget and start date?",
      "> About 500k tenge a month, start ASAP",
      "< Let's do a quick call today at 5pm?",
      "> Sure",
      "> Thanks for the call! Send the invoice please",
      "< Invoice sent",
      "> Done, transferred the payment this morning",
    ),
    ["deal_closed", "other", true, true, false],
  ],
  [
    "uk consult completed after our talk",
    d(
      "> Вітаю! У нас мережа стоматологій у Львові, я співвласник",
      "< Доброго дня! Який бюджет на місяць?",
      "> Десь 80 тисяч гривень на місяць",
      "< Пропоную зустріч у четвер о 14:00",
      "> Добре",
      "> Після нашої розмови обговорили з партнером, поки думаємо",
    ),
    ["consultation_completed", "medicine", true, true, false],
  ],
  [
    "kk early not needed",
    d(
      "> Сәлеметсіз бе, жарнама бағасы қанша?",
      "< Сәлеметсіз бе! Айына 250 000 ₸-дан басталады",
      "> Қазір керек емес, рахмет",
    ),
    ["not_qualified", "other", false, false, false],
  ],
  [
    "kk targetologist for client booked",
    d(
      "> Сәлем! Мен таргетологпын, клиентім тіс емханасы",
      "> Клиенттің бюджеті айына 400 мың теңге",
      "< Сәлем! Ертең 12:00-де үшеуміз созвон жасайық па?",
      "> Иә, келістік",
    ),
    ["consultation_booked", "medicine", false, true, true],
  ],
  [
    "ru marketing agency partnership",
    d(
      "> Добрый день, мы маркетинговое агентство из Бишкека",
      "> Хотим предложить сотрудничество: вы нам воронки, мы вам клиентов",
      "< Спасибо, но партнёрской программы у нас нет",
    ),
    ["not_qualified", "other", false, false, true],
  ],
  [
    "en assistant whose boss decides, budget unknown (two answers: qualified)",
    d(
      "> Hi, I'm an assistant at a law firm in Almaty, my boss asked me to find an agency",
      "< Hi! What's the monthly budget and who decides?",
      "> My boss decides, I don't know the budget yet",
    ),
    ["qualified", "other", false, false, false],
  ],
  [
    "ru booked then cancelled silently rebooked",
    d(
      "> Здравствуйте! Онлайн-школа английского, я основатель. Бюджет 500 тысяч тенге в месяц",
      "< Предлагаю созвон в понедельник в 11:00",
      "> Ок",
      "> Простите, в понедельник не смогу. Давайте во вторник в 11?",
      "< Да, переношу на вторник 11:00",
    ),
    ["consultation_booked", "info_business", true, true, false],
  ],
  [
    "mixed ru/kk deal lost",
    d(
      "> Сәлеметсіз бе! У меня салон красоты, Қарағанды",
      "> Айына 150 мың теңге бюджет бар",
      "< Ертең 11:00-де созвон жасайық па?",
      "> Жарайды",
      "< Созвонға рахмет! Ұсыныс жібердім",
      "> Рахмет, бірақ басқа агенттікті таңдадық",
    ),
    ["deal_lost", "other", true, true, false],
  ],
  [
    "ru lowercase no punctuation qualified",
    d(
      "> здравствуйте у меня школа танцев в алматы офлайн",
      "< Здравствуйте! Вы владелец? Бюджет на рекламу в месяц? Когда старт?",
      "> да моя школа бюджет тысяч 150 наверное старт с нового года",
    ),
    ["qualified", "other", true, true, false],
  ],
  [
    "ru dentist booked by client proposing",
    d(
      "> Добрый день! Стоматология «Улыбка», я директор и учредитель",
      "> Можем созвониться в пятницу в 10 утра?",
      "< Добрый день! Да, пятница 10:00 подходит, записала",
    ),
    ["consultation_booked", "medicine", true, false, false],
  ],
  [
    "ru lost after proposal, no consult",
    d(
      "> Здравствуйте, онлайн-марафон по похудению, я автор",
      "> Бюджет до 300 тысяч тенге в месяц",
      "< Отлично! Вот наше предложение: ведение 250 000 ₸ в месяц",
      "> Посмотрела, для нас это слишком дорого, откажемся",
    ),
    ["deal_lost", "info_business", true, true, false],
  ],
  [
    "uk new lead voice",
    d(
      "> Добрий день, цікавить реклама для нашої ветклініки",
      "> [голосове повідомлення]",
      "< Вибачте, не можемо прослухати голосове, напишіть, будь ласка, текстом",
    ),
    ["new_lead", "medicine", false, false, false],
  ],
  [
    "uk paid",
    d(
      "> Привіт, я власник онлайн-школи програмування",
      "< Вітаю! Пропоную дзвінок завтра о 15:00",
      "> Ок",
      "> Дякую за дзвінок! Надсилайте рахунок",
      "< Рахунок надіслала",
      "> Сплатили, квитанція в пошті",
    ),
    ["deal_closed", "info_business", true, false, false],
  ],
  [
    "kk qualified owner budget start",
    d(
      "> Сәлеметсіз бе! Менің гүл дүкенім бар, Қостанай",
      "< Сәлеметсіз бе! Бюджет қанша? Қашан бастайсыз?",
      "> Айына 100 мың теңге жұмсай аламын. Келесі айдан бастағым келеді",
    ),
    ["qualified", "other", true, true, false],
  ],
  [
    "kk consult completed",
    d(
      "> Сәлем! Біздің онлайн мектеп бар, мен құрылтайшымын",
      "< Сәлем! Бүгін 17:00-де Zoom жасайық па?",
      "> Иә",
      "> Кездесуге рахмет! Ойланып, жауап беремін",
    ),
    ["consultation_completed", "info_business", true, false, false],
  ],
  [
    "en smm freelancer for client new lead",
    d(
      "> Hey, I'm an SMM freelancer, one of my clients runs a bakery chain",
      "> How much would your funnel cost for them?",
      "< Hi! From $500/month. What's their ad budget?",
      "> Not sure yet, will ask",
    ),
    ["new_lead", "other", false, false, true],
  ],
  [
    "en qualified marketing manager",
    d(
      "> Hello! I'm the marketing manager of a private hospital in Shymkent",
      "> Our CEO makes the decision. Budget around $5k per month, we want to launch in January",
    ),
    ["qualified", "medicine", false, true, false],
  ],
  [
    "en not qualified job",
    d(
      "> Hi, are you hiring? I'm a targetologist with 3 years of experience",
      "< Hi! No open vacancies right now, sorry",
    ),
    ["not_qualified", "other", false, false, true],
  ],
  [
    "ru completed: as discussed proposal",
    d(
      "> Добрый день, мы производим кухни на заказ, я совладелица",
      "< Добрый день! Давайте завтра в 12 созвонимся?",
      "> Да, удобно",
      "< Как договаривались, отправляю расчёт по рекламе",
      "> Получила, изучаю",
    ),
    ["consultation_completed", "other", true, false, false],
  ],
  [
    "ru paid typo",
    d(
      "> Здравствуйте, косметологическая клиника, я владелица. Бюджет 1 млн тенге",
      "< Здравствуйте! Выставила счёт на первый месяц",
      "> оплатилааа 🙌 чек скинула",
    ),
    ["deal_closed", "medicine", true, true, false],
  ],
];

describe("offline extractor — more hand-written dialogs in all four languages", () => {
  for (const [name, messages, gold] of TABLE) {
    test(`given ${name}, when extracted, then ${gold.join(" / ")}`, () => {
      const f = extractDialogFactsOffline(messages).facts;
      assert.deepEqual(
        [f.funnel_stage, f.niche, f.is_owner_or_decision_maker, f.budget_stated, f.is_targetologist_or_smm],
        gold,
      );
    });
  }
});
