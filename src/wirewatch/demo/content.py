"""Fictional news prose for the demo outlets, generated from sentence templates.

Everything here is invented: the farms, mills and people do not exist, and every page that shows this text
says it is demo content. Texts are deterministic: the same seed, edition and article number always give the
same article, so a demo (and a test) can be replayed.

No text-generation library fits: we need a few plausible, varied sentences in four scripts with no model
and no network, so this is a small phrase bank and ``random.Random`` seeded per article.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from itertools import product
from zoneinfo import ZoneInfo

PYONGYANG = ZoneInfo("Asia/Pyongyang")
JUCHE_OFFSET = 1911  # Juche year = Gregorian year - 1911 (Juche 1 = 1912).

# Each language: subjects (who), deeds (what they did; a full predicate), numbers sentences, quotes, closings,
# and a dateline. A headline is a subject's short form plus a deed; a lead is a dateline plus a long sentence.
PHRASES: dict[str, dict[str, list[str]]] = {
    "en": {
        "subject": [
            "Farmers of the Ryonhwa Cooperative Farm",
            "Workers at the Sambong Textile Mill",
            "Researchers of the Demo Academy of Sciences",
            "Students of Kumsan University",
            "Fishermen of Sohae Port",
            "Builders of the Chongsu Hydropower Station",
            "Teachers in Haeryong County",
            "Members of the Mirae Youth Ensemble",
        ],
        "deed": [
            "completed the autumn harvest ahead of schedule",
            "began work on a new irrigation canal",
            "overfulfilled the annual production plan",
            "opened an exhibition of light industry goods",
            "held a seminar on renewable energy",
            "planted {n} thousand fruit trees on the hillsides",
            "put a new automated production line into operation",
            "staged a concert for the builders of a new housing district",
        ],
        "number": [
            "Output rose by {n} per cent compared with the same period last year.",
            "More than {n}0 people took part in the work over {d} days.",
            "The project, begun {d} months ago, involved {n} work teams.",
            "Officials said {n} new varieties had been tested in the fields this season.",
        ],
        "quote": [
            '"We will keep up this pace next year," said {person}, a team leader.',
            '"Everyone worked with one mind," {person}, a technician, told reporters.',
            '"This is only the beginning," said {person}, who has worked there for {d} years.',
        ],
        "closing": [
            "The event was attended by officials of the county and local residents.",
            "A ceremony marking the occasion was held on the site.",
            "Similar work is under way in other parts of the province.",
        ],
        "person": ["Ri Song Hui", "Kim Chol Nam", "Pak Un Jong", "Choe Yong Su", "Han Myong Ok"],
        "dateline": ["Pyongyang, {month_day} (Demo) --"],
    },
    "ko": {
        "subject": [
            "련화협동농장 농업근로자들",
            "삼봉방직공장 로동자들",
            "과학원 연구사들",
            "금산대학 학생들",
            "서해항 어로공들",
            "청수발전소 건설자들",
            "해령군 교원들",
            "미래청년예술단 단원들",
        ],
        "deed": [
            "가을걷이를 앞당겨 끝냈다",
            "새 관개물길 공사를 시작하였다",
            "올해 생산계획을 넘쳐 수행하였다",
            "경공업제품 전시회를 열었다",
            "재생에네르기 토론회를 진행하였다",
            "산기슭에 과일나무 {n}000그루를 심었다",
            "새 자동화 생산공정을 가동하였다",
            "살림집 건설자들을 위한 공연을 하였다",
        ],
        "number": [
            "생산량은 지난해 같은 기간보다 {n}% 늘어났다.",
            "{d}일 동안 {n}0여명이 작업에 참가하였다.",
            "{d}개월전에 시작된 이 공사에는 {n}개 작업반이 참가하였다.",
        ],
        "quote": [
            "작업반장 {person}{topic} \u300a래년에도 이 기세를 늦추지 않겠다\u300b고 말하였다.",
            "기술자 {person}{topic} \u300a모두가 한마음으로 일하였다\u300b고 말하였다.",
        ],
        "closing": [
            "행사에는 군의 일군들과 주민들이 참가하였다.",
            "현지에서는 이를 기념하는 모임이 진행되었다.",
            "도안의 다른 지역들에서도 같은 사업이 벌어지고 있다.",
        ],
        "person": ["리성희", "김철남", "박은정", "최영수", "한명옥"],
        "dateline": ["(평양 {month_day}발 데모통신)"],
    },
    "zh": {
        "subject": [
            "莲花协同农场的农民",
            "三峰纺织厂的工人",
            "科学院的研究人员",
            "金山大学的学生们",
            "西海港的渔民",
            "清水发电站的建设者",
            "海岭郡的教师们",
            "未来青年艺术团的团员",
        ],
        "deed": [
            "提前完成了秋收",
            "开始修建新的灌溉渠",
            "超额完成了年度生产计划",
            "举办了轻工业产品展览会",
            "召开了可再生能源研讨会",
            "在山坡上种植了{n}千棵果树",
            "投产了一条新的自动化生产线",
            "为新住宅区的建设者举行了演出",
        ],
        "number": [
            "产量比去年同期增长了{n}%。",
            "{d}天内有{n}0多人参加了劳动。",
            "这项{d}个月前开始的工程共有{n}个作业班参加。",
        ],
        "quote": [
            "作业班长{person}说：“明年我们也要保持这种势头。”",
            "技术员{person}对记者说：“大家齐心协力地工作。”",
        ],
        "closing": [
            "郡里的干部和当地居民出席了活动。",
            "现场举行了纪念仪式。",
            "道内其他地区也在开展类似的工作。",
        ],
        "person": ["李成姬", "金哲男", "朴恩贞", "崔英洙", "韩明玉"],
        "dateline": ["【演示社平壤{month_day}电】"],
    },
    "ar": {
        "subject": [
            "مزارعو مزرعة ريونهوا التعاونية",
            "عمال مصنع سامبونغ للنسيج",
            "باحثو أكاديمية العلوم التجريبية",
            "طلاب جامعة كومسان",
            "صيادو ميناء سوهاي",
            "بناة محطة تشونغسو الكهرومائية",
            "معلمو محافظة هيريونغ",
            "أعضاء فرقة ميراي للشباب",
        ],
        "deed": [
            "أنجزوا حصاد الخريف قبل الموعد المحدد",
            "بدأوا العمل في قناة ري جديدة",
            "تجاوزوا خطة الإنتاج السنوية",
            "افتتحوا معرضا لمنتجات الصناعات الخفيفة",
            "عقدوا ندوة حول الطاقة المتجددة",
            "زرعوا {n} ألف شجرة مثمرة على سفوح التلال",
            "شغّلوا خط إنتاج آليا جديدا",
            "أقاموا حفلا لبناة حي سكني جديد",
        ],
        "number": [
            "وارتفع الإنتاج بنسبة {n} في المائة مقارنة بالفترة نفسها من العام الماضي.",
            "وشارك في العمل أكثر من {n}0 شخصا على مدى {d} يوما.",
            "وشارك في المشروع الذي بدأ قبل {d} أشهر {n} فرق عمل.",
        ],
        "quote": [
            "وقال {person}، رئيس فريق العمل: «سنحافظ على هذه الوتيرة في العام المقبل».",
            "وقال الفني {person} للصحفيين: «عمل الجميع بروح واحدة».",
        ],
        "closing": [
            "وحضر الفعالية مسؤولو المحافظة والسكان المحليون.",
            "وأقيم في الموقع احتفال بهذه المناسبة.",
            "ويجري عمل مماثل في مناطق أخرى من الإقليم.",
        ],
        "person": ["ري سونغ هي", "كيم تشول نام", "باك أون جونغ", "تشوي يونغ سو", "هان ميونغ أوك"],
        "dateline": ["بيونغ يانغ، {month_day} (تجريبي) --"],
    },
}

MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "ar": [
        "يناير",
        "فبراير",
        "مارس",
        "أبريل",
        "مايو",
        "يونيو",
        "يوليو",
        "أغسطس",
        "سبتمبر",
        "أكتوبر",
        "نوفمبر",
        "ديسمبر",
    ],
}


@dataclass(frozen=True)
class DemoArticle:
    """One fictional article. ``title`` is always written; a title-less outlet simply does not show it."""

    number: int
    title: str
    paragraphs: tuple[str, ...]
    byline: str
    published: datetime  # aware

    @property
    def lead(self) -> str:
        return self.paragraphs[0]

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


def month_day(language: str, when: datetime) -> str:
    """The month and day as a dateline writes them, in Pyongyang time."""
    local = when.astimezone(PYONGYANG)
    if language == "ko":
        return f"{local.month}월 {local.day}일"
    if language == "zh":
        return f"{local.month}月{local.day}日"
    if language == "ar":
        return f"{local.day} {MONTHS['ar'][local.month - 1]}"
    return f"{MONTHS['en'][local.month - 1]} {local.day}"


def date_label(style: str, when: datetime) -> str:
    """A date as the sources write it, in Pyongyang time; most styles are the DPRK's Juche forms.

    Styles: ``bracket`` "[Juche115.11.27.]" (KCNA listings until 2024), ``long`` "November 27, Juche 115 (2026)",
    ``ko`` "주체115(2026)년 11월 27일", ``zh`` "主体115(2026)年11月27日", ``ar`` "27 نوفمبر 2026", ``iso`` "2026-11-27".
    """
    local = when.astimezone(PYONGYANG)
    juche, year, month, day = local.year - JUCHE_OFFSET, local.year, local.month, local.day
    formats = {
        "bracket": f"[Juche{juche}.{month}.{day}.]",
        "long": f"{MONTHS['en'][month - 1]} {day}, Juche {juche} ({year})",
        "ko": f"주체{juche}({year})년 {month}월 {day}일",
        "zh": f"主体{juche}({year})年{month}月{day}日",
        "ar": f"{day} {MONTHS['ar'][month - 1]} {year}",
        "iso": local.strftime("%Y-%m-%d"),
    }
    return formats[style]


def _korean_particle(word: str, with_final: str, without_final: str) -> str:
    """Korean particles depend on whether the last syllable ends in a consonant (Unicode Hangul arithmetic)."""
    last = ord(word[-1]) - 0xAC00
    return with_final if 0 <= last < 11172 and last % 28 else without_final


def _fill(template: str, rng: random.Random, bank: dict[str, list[str]]) -> str:
    person = rng.choice(bank["person"])
    topic = _korean_particle(person, "은", "는")
    return template.format(n=rng.randint(2, 48), d=rng.randint(3, 29), person=person, topic=topic)


def _short_subject(language: str, subject: str) -> str:
    """A headline drops the "Farmers of" part where the language allows it cheaply."""
    if language == "en" and " of " in subject:
        return subject.split(" of ", 1)[1].removeprefix("the ")
    return subject


def _headline(language: str, subject: str, deed: str) -> str:
    short = _short_subject(language, subject)
    if language == "en":
        return f"{short}: {deed[0].upper()}{deed[1:]}"
    if language == "zh":
        return f"{subject}{deed}"
    return f"{subject} {deed}"


def _sentence(language: str, subject: str, deed: str) -> str:
    if language == "zh":
        return f"{subject}{deed}。"
    if language == "ko":
        return f"{subject}{_korean_particle(subject, '이', '가')} {deed}."
    return f"{subject} {deed}."


@lru_cache(maxsize=64)
def _topics(seed: int, edition: str, language: str) -> tuple[tuple[str, str], ...]:
    """Every (subject, deed) pair once, in an order fixed by the seed: consecutive articles never repeat one."""
    pairs = list(product(PHRASES[language]["subject"], PHRASES[language]["deed"]))
    random.Random(f"{seed}/{edition}").shuffle(pairs)
    return tuple(pairs)


def write_article(seed: int, edition: str, language: str, number: int, published: datetime) -> DemoArticle:
    """The ``number``-th article of an edition: same arguments, same article."""
    rng = random.Random(f"{seed}/{edition}/{number}")
    bank = PHRASES[language]
    topics = _topics(seed, edition, language)
    subject, deed = topics[number % len(topics)]
    deed = _fill(deed, rng, bank)
    dateline = rng.choice(bank["dateline"]).format(month_day=month_day(language, published))
    paragraphs = [f"{dateline} {_sentence(language, subject, deed)}"]
    body = [rng.choice(bank["number"]), rng.choice(bank["quote"]), rng.choice(bank["number"])]
    paragraphs += [_fill(template, rng, bank) for template in dict.fromkeys(body)]
    paragraphs.append(rng.choice(bank["closing"]))
    byline = rng.choice(bank["person"])
    return DemoArticle(number, _headline(language, subject, deed), tuple(paragraphs), byline, published)
