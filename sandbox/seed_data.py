# ruff: noqa: RUF001 - the lists are deliberately full of non-ASCII letters.
"""Word lists for the demo workspace: names, places and phrases from many cultures.

Names come as (native spelling, ASCII spelling for email addresses and handles). All domains use
the reserved `.example` TLD so no generated address or link can reach a real organisation.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    country: str
    city: str
    state: str | None
    postal_code: str
    latitude: float
    longitude: float
    streets: tuple[str, ...]


@dataclass(frozen=True)
class Culture:
    first_names: tuple[tuple[str, str], ...]
    last_names: tuple[tuple[str, str], ...]
    countries: tuple[str, ...]
    weight: int


# Digits in braces are filled at random; every pattern yields numbers `phonenumbers` validates.
PHONE_PATTERNS: dict[str, str] = {
    "US": "+1{us_area}555{d4}",
    "CA": "+1{ca_area}555{d4}",
    "GB": "+44207946{d4}",
    "DE": "+4930{d8}",
    "FR": "+331{d8}",
    "ES": "+3491{d7}",
    "MX": "+5255{d8}",
    "JP": "+813{d8}",
    "CN": "+8610{d8}",
    "KR": "+822{d8}",
    "IL": "+9723{d7}",
    "AE": "+9714{d7}",
    "EG": "+202{d8}",
    "BR": "+55113{d7}",
    "PT": "+35121{d7}",
    "IN": "+9122{d8}",
    "SE": "+468{d7}",
    "PL": "+4822{d7}",
    "VN": "+8428{d8}",
    "AU": "+6129{d7}",
    "IT": "+3906{d8}",
    "NL": "+3120{d7}",
    "TR": "+90212{d7}",
    "UA": "+38044{d7}",
    "GR": "+3021{d8}",
}

PLACES: dict[str, tuple[Place, ...]] = {
    "US": (
        Place(
            "US",
            "San Francisco",
            "CA",
            "94107",
            37.7749,
            -122.4194,
            ("Market St", "Mission St", "Valencia St"),
        ),
        Place(
            "US", "New York", "NY", "10001", 40.7128, -74.006, ("Broadway", "5th Ave", "Canal St")
        ),
        Place("US", "Austin", "TX", "78701", 30.2672, -97.7431, ("Congress Ave", "Lamar Blvd")),
        Place("US", "Chicago", "IL", "60601", 41.8781, -87.6298, ("Michigan Ave", "Wacker Dr")),
    ),
    "CA": (
        Place("CA", "Toronto", "ON", "M5V 2T6", 43.6532, -79.3832, ("King St W", "Queen St W")),
    ),
    "GB": (
        Place("GB", "London", None, "EC1V 9HX", 51.5074, -0.1278, ("Old Street", "Baker Street")),
        Place("GB", "Manchester", None, "M1 1AE", 53.4808, -2.2426, ("Deansgate", "Oxford Road")),
    ),
    "DE": (
        Place(
            "DE",
            "Berlin",
            "Berlin",
            "10115",
            52.52,
            13.405,
            ("Friedrichstraße", "Torstraße", "Schönhauser Allee"),
        ),
        Place(
            "DE",
            "München",
            "Bayern",
            "80331",
            48.1351,
            11.582,
            ("Maximilianstraße", "Leopoldstraße"),
        ),
        Place(
            "DE",
            "Köln",
            "Nordrhein-Westfalen",
            "50667",
            50.9375,
            6.9603,
            ("Hohe Straße", "Ehrenstraße"),
        ),
    ),
    "FR": (
        Place(
            "FR",
            "Paris",
            "Île-de-France",
            "75011",
            48.8566,
            2.3522,
            ("Rue de la Roquette", "Boulevard Voltaire"),
        ),
        Place(
            "FR",
            "Lyon",
            "Auvergne-Rhône-Alpes",
            "69002",
            45.764,
            4.8357,
            ("Rue de la République", "Quai Saint-Antoine"),
        ),
    ),
    "ES": (
        Place("ES", "Madrid", "Madrid", "28013", 40.4168, -3.7038, ("Calle de Alcalá", "Gran Vía")),
    ),
    "MX": (
        Place(
            "MX",
            "Ciudad de México",
            "CDMX",
            "06600",
            19.4326,
            -99.1332,
            ("Paseo de la Reforma", "Avenida Álvaro Obregón"),
        ),
    ),
    "JP": (
        Place("JP", "東京", "東京都", "150-0002", 35.6762, 139.6503, ("渋谷2丁目", "道玄坂1丁目")),
        Place("JP", "大阪", "大阪府", "530-0001", 34.6937, 135.5023, ("梅田3丁目",)),
    ),
    "CN": (
        Place(
            "CN", "北京", "北京市", "100020", 39.9042, 116.4074, ("建国门外大街", "朝阳门北大街")
        ),
    ),
    "KR": (Place("KR", "서울", "서울특별시", "06164", 37.5665, 126.978, ("테헤란로", "강남대로")),),
    "IL": (
        Place(
            "IL", "תל אביב", None, "6473921", 32.0853, 34.7818, ("שדרות רוטשילד", "רחוב דיזנגוף")
        ),
    ),
    "AE": (
        Place("AE", "دبي", "دبي", "00000", 25.2048, 55.2708, ("شارع الشيخ زايد", "شارع الوصل")),
    ),
    "EG": (
        Place("EG", "القاهرة", None, "11511", 30.0444, 31.2357, ("شارع التحرير", "شارع قصر النيل")),
    ),
    "BR": (
        Place(
            "BR",
            "São Paulo",
            "SP",
            "01310-100",
            -23.5505,
            -46.6333,
            ("Avenida Paulista", "Rua Augusta"),
        ),
    ),
    "PT": (
        Place(
            "PT",
            "Lisboa",
            None,
            "1100-148",
            38.7223,
            -9.1393,
            ("Rua Augusta", "Avenida da Liberdade"),
        ),
    ),
    "IN": (
        Place(
            "IN",
            "Mumbai",
            "Maharashtra",
            "400001",
            19.076,
            72.8777,
            ("Marine Drive", "Linking Road"),
        ),
    ),
    "SE": (
        Place("SE", "Stockholm", None, "111 57", 59.3293, 18.0686, ("Drottninggatan", "Götgatan")),
    ),
    "PL": (
        Place(
            "PL",
            "Kraków",
            "Małopolskie",
            "31-042",
            50.0647,
            19.945,
            ("ulica Floriańska", "ulica Grodzka"),
        ),
    ),
    "VN": (
        Place(
            "VN",
            "Hồ Chí Minh",
            None,
            "700000",
            10.8231,
            106.6297,
            ("Đường Đồng Khởi", "Đường Lê Lợi"),
        ),
    ),
    "AU": (Place("AU", "Sydney", "NSW", "2000", -33.8688, 151.2093, ("George St", "Pitt St")),),
    "IT": (
        Place("IT", "Roma", "Lazio", "00184", 41.9028, 12.4964, ("Via del Corso", "Via Nazionale")),
    ),
    "NL": (
        Place(
            "NL",
            "Amsterdam",
            "Noord-Holland",
            "1012 JS",
            52.3676,
            4.9041,
            ("Damrak", "Prinsengracht"),
        ),
    ),
    "TR": (
        Place(
            "TR",
            "İstanbul",
            None,
            "34430",
            41.0082,
            28.9784,
            ("İstiklal Caddesi", "Bağdat Caddesi"),
        ),
    ),
    "UA": (
        Place(
            "UA",
            "Київ",
            None,
            "01001",
            50.4501,
            30.5234,
            ("вулиця Хрещатик", "вулиця Володимирська"),
        ),
    ),
    "GR": (
        Place(
            "GR", "Αθήνα", None, "105 57", 37.9838, 23.7275, ("Οδός Ερμού", "Οδός Πανεπιστημίου")
        ),
    ),
}


def _latin(*names: str) -> tuple[tuple[str, str], ...]:
    """Pair Latin-script names with their ASCII spelling (accents dropped)."""
    return tuple((name, ascii_spelling(name)) for name in names)


_TRANSLITERATIONS = str.maketrans(
    {
        "ß": "ss",
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "Ae",
        "đ": "d",
        "Đ": "D",
        "œ": "oe",
        "ı": "i",
        "ğ": "g",
        "ş": "s",
        "İ": "I",
    }
)


def ascii_spelling(text: str) -> str:
    """Spell Latin-script text in ASCII: "Müller" -> "Muller", "Łukasz" -> "Lukasz"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATIONS))
    return "".join(ch for ch in decomposed if ord(ch) < 128)


CULTURES: dict[str, Culture] = {
    "english": Culture(
        _latin(
            "James",
            "Mary",
            "Olivia",
            "Liam",
            "Emma",
            "Noah",
            "Ava",
            "Ethan",
            "Grace",
            "Jack",
            "Chloe",
            "Ryan",
            "Hannah",
            "Daniel",
            "Megan",
            "Owen",
            "Ruby",
            "Caleb",
            "Isla",
            "Sam",
        ),
        _latin(
            "Smith",
            "Johnson",
            "Williams",
            "Brown",
            "Taylor",
            "Miller",
            "Wilson",
            "Moore",
            "Clarke",
            "Walker",
            "O'Brien",
            "Hughes",
            "Bennett",
            "Foster",
            "Reid",
            "Campbell",
        ),
        ("US", "US", "US", "GB", "CA", "AU"),
        30,
    ),
    "german": Culture(
        _latin(
            "Jürgen",
            "Lena",
            "Matthias",
            "Sophie",
            "Jörg",
            "Anna",
            "Björn",
            "Käthe",
            "Lukas",
            "Marie",
            "Günther",
            "Jana",
            "Felix",
            "Henrike",
        ),
        _latin(
            "Müller",
            "Schäfer",
            "Groß",
            "Weiß",
            "Köhler",
            "Becker",
            "Hoffmann",
            "Schröder",
            "Wagner",
            "Krüger",
            "Meyer",
            "Zimmermann",
        ),
        ("DE",),
        12,
    ),
    "spanish": Culture(
        _latin(
            "José",
            "María",
            "Lucía",
            "Andrés",
            "Sofía",
            "Martín",
            "Inés",
            "Álvaro",
            "Carmen",
            "Joaquín",
            "Valentina",
            "Diego",
        ),
        _latin(
            "García",
            "Núñez",
            "Peña",
            "Rodríguez",
            "Muñoz",
            "Fernández",
            "López",
            "Martínez",
            "Gómez",
            "Sánchez",
            "Ibáñez",
        ),
        ("ES", "MX"),
        10,
    ),
    "french": Culture(
        _latin(
            "Zoë",
            "Chloé",
            "François",
            "Hélène",
            "Théo",
            "Léa",
            "Gaël",
            "Amélie",
            "Mathéo",
            "Maëlle",
            "Loïc",
            "Céline",
        ),
        _latin(
            "Lefèvre",
            "Dubois",
            "Faure",
            "Girard",
            "Mercier",
            "Bérenger",
            "Moreau",
            "Lefebvre",
            "Rousseau",
            "Garnier",
            "Chevalier",
        ),
        ("FR",),
        8,
    ),
    "portuguese": Culture(
        _latin("João", "Ana", "Luís", "Beatriz", "Gonçalo", "Mariana", "Thiago", "Letícia"),
        _latin("Silva", "Conceição", "Gonçalves", "Araújo", "Simões", "Magalhães", "Ribeiro"),
        ("BR", "PT"),
        6,
    ),
    "italian": Culture(
        _latin("Giulia", "Niccolò", "Francesca", "Lorenzo", "Chiara", "Matteo"),
        _latin("Rossi", "Bianchi", "Esposito", "Romano", "Colombo", "De Luca"),
        ("IT",),
        4,
    ),
    "dutch": Culture(
        _latin("Daan", "Sanne", "Bram", "Femke", "Joris", "Lotte"),
        _latin("de Vries", "van den Berg", "Jansen", "Bakker", "Visser", "van Dijk"),
        ("NL",),
        3,
    ),
    "nordic": Culture(
        _latin("Søren", "Åsa", "Bjørn", "Linnéa", "Mikael", "Ingrid", "Håkan", "Sigrid"),
        _latin("Andersson", "Nyström", "Sørensen", "Lindqvist", "Åberg", "Ekström", "Björklund"),
        ("SE",),
        4,
    ),
    "polish": Culture(
        _latin("Łukasz", "Zofia", "Paweł", "Małgorzata", "Wojciech", "Agnieszka", "Michał"),
        _latin("Wójcik", "Kowalczyk", "Nowak", "Wiśniewski", "Zieliński", "Dąbrowski"),
        ("PL",),
        4,
    ),
    "turkish": Culture(
        _latin("Çağla", "Emre", "Şule", "Barış", "Gökhan", "Ayşe"),
        _latin("Şahin", "Yılmaz", "Öztürk", "Çelik", "Doğan", "Aydın"),
        ("TR",),
        3,
    ),
    "japanese": Culture(
        (
            ("太郎", "Taro"),
            ("花子", "Hanako"),
            ("翔太", "Shota"),
            ("美咲", "Misaki"),
            ("健", "Ken"),
            ("由美", "Yumi"),
            ("大輔", "Daisuke"),
            ("さくら", "Sakura"),
        ),
        (
            ("山田", "Yamada"),
            ("佐藤", "Sato"),
            ("鈴木", "Suzuki"),
            ("高橋", "Takahashi"),
            ("田中", "Tanaka"),
            ("伊藤", "Ito"),
            ("渡辺", "Watanabe"),
        ),
        ("JP",),
        6,
    ),
    "chinese": Culture(
        (
            ("芳", "Fang"),
            ("伟", "Wei"),
            ("娜", "Na"),
            ("静", "Jing"),
            ("磊", "Lei"),
            ("敏", "Min"),
            ("晓明", "Xiaoming"),
            ("丽华", "Lihua"),
        ),
        (
            ("王", "Wang"),
            ("李", "Li"),
            ("张", "Zhang"),
            ("刘", "Liu"),
            ("陈", "Chen"),
            ("杨", "Yang"),
            ("黄", "Huang"),
        ),
        ("CN",),
        6,
    ),
    "korean": Culture(
        (("민준", "Minjun"), ("서연", "Seoyeon"), ("지훈", "Jihoon"), ("하은", "Haeun")),
        (("김", "Kim"), ("이", "Lee"), ("박", "Park"), ("최", "Choi")),
        ("KR",),
        3,
    ),
    "arabic": Culture(
        (
            ("محمد", "mohammed"),
            ("فاطمة", "fatima"),
            ("أحمد", "ahmed"),
            ("ليلى", "layla"),
            ("يوسف", "youssef"),
            ("نور", "nour"),
            ("عمر", "omar"),
            ("سارة", "sara"),
        ),
        (
            ("العلي", "alali"),
            ("الحسن", "alhassan"),
            ("المنصوري", "almansouri"),
            ("حداد", "haddad"),
            ("الخطيب", "alkhatib"),
            ("النجار", "alnajjar"),
        ),
        ("AE", "EG"),
        5,
    ),
    "hebrew": Culture(
        (
            ("נועה", "noa"),
            ("דוד", "david"),
            ("יעל", "yael"),
            ("אורי", "uri"),
            ("תמר", "tamar"),
            ("איתי", "itai"),
        ),
        (
            ("כהן", "cohen"),
            ("לוי", "levi"),
            ("מזרחי", "mizrahi"),
            ("פרץ", "peretz"),
            ("ביטון", "biton"),
            ("אברהם", "avraham"),
        ),
        ("IL",),
        4,
    ),
    "ukrainian": Culture(
        (("Олена", "olena"), ("Андрій", "andriy"), ("Ірина", "iryna"), ("Тарас", "taras")),
        (("Шевченко", "shevchenko"), ("Коваленко", "kovalenko"), ("Бондаренко", "bondarenko")),
        ("UA",),
        3,
    ),
    "greek": Culture(
        (("Γιώργος", "giorgos"), ("Ελένη", "eleni"), ("Νίκος", "nikos"), ("Μαρία", "maria")),
        (("Παπαδόπουλος", "papadopoulos"), ("Οικονόμου", "oikonomou"), ("Γεωργίου", "georgiou")),
        ("GR",),
        2,
    ),
    "indian": Culture(
        _latin("Priya", "Arjun", "Ananya", "Rohan", "Kavya", "Vikram", "Aditi", "Rahul"),
        _latin("Sharma", "Patel", "Iyer", "Reddy", "Gupta", "Nair", "Banerjee"),
        ("IN",),
        5,
    ),
    "vietnamese": Culture(
        _latin("Hương", "Minh", "Lan", "Đức", "Thảo", "Quang"),
        _latin("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ"),
        ("VN",),
        3,
    ),
}

# Contacts shown first (newest) so that the demo's first page shows the range of scripts.
SHOWCASE_CONTACTS: tuple[tuple[str, str, str, str, str], ...] = (
    # first, last, first ASCII, last ASCII, country
    ("José", "Müller", "jose", "muller", "DE"),
    ("Zoë", "Faure", "zoe", "faure", "FR"),
    ("太郎", "山田", "taro", "yamada", "JP"),
    ("芳", "王", "fang", "wang", "CN"),
    ("محمد", "العلي", "mohammed", "alali", "AE"),
    ("נועה", "לוי", "noa", "levi", "IL"),
    ("Łukasz", "Wójcik", "lukasz", "wojcik", "PL"),
    ("Søren", "Nyström", "soren", "nystrom", "SE"),
    ("Hương", "Nguyễn", "huong", "nguyen", "VN"),
    ("Çağla", "Şahin", "cagla", "sahin", "TR"),
)

ACCOUNT_STEMS: tuple[tuple[str, str, str], ...] = (
    # display name, ASCII slug, home country
    ("Nordlicht", "nordlicht", "DE"),
    ("Acme", "acme", "US"),
    ("Blue Harbor", "blueharbor", "US"),
    ("Sakura", "sakura", "JP"),
    ("Andes", "andes", "MX"),
    ("Kiwi", "kiwi", "AU"),
    ("Atlas", "atlas", "GB"),
    ("Helios", "helios", "FR"),
    ("Fjord", "fjord", "SE"),
    ("Saffron", "saffron", "IN"),
    ("Maple", "maple", "CA"),
    ("Cedar", "cedar", "US"),
    ("Orion", "orion", "NL"),
    ("Lumen", "lumen", "IT"),
    ("Tidewater", "tidewater", "US"),
    ("Granite", "granite", "GB"),
    ("Aurora", "aurora", "SE"),
    ("Zephyr", "zephyr", "GB"),
    ("Baobab", "baobab", "EG"),
    ("Monsoon", "monsoon", "IN"),
    ("Polaris", "polaris", "PL"),
    ("Quartz", "quartz", "US"),
    ("Riviera", "riviera", "FR"),
    ("Sierra", "sierra", "ES"),
    ("Yuzu", "yuzu", "JP"),
    ("Zenith", "zenith", "DE"),
    ("Müller & Söhne", "mueller-soehne", "DE"),
    ("Café Olé", "cafe-ole", "ES"),
    ("Łódź Digital", "lodz-digital", "PL"),
    ("São Jorge", "sao-jorge", "BR"),
    ("Ñandú", "nandu", "MX"),
    ("İstanbul Köprü", "istanbul-kopru", "TR"),
    ("星辰", "xingchen", "CN"),
    ("東京ロボティクス", "tokyo-robotics", "JP"),
    ("한빛", "hanbit", "KR"),
    ("الأفق", "alofoq", "AE"),
    ("אור", "or-tech", "IL"),
    ("Sông Hồng", "song-hong", "VN"),
)

ACCOUNT_SUFFIXES: tuple[str, ...] = (
    "Systems",
    "Labs",
    "Logistics",
    "Health",
    "Energy",
    "Analytics",
    "Robotics",
    "Foods",
    "Capital",
    "Studios",
    "Networks",
    "Bio",
)

LEGAL_FORMS: dict[str, tuple[str, ...]] = {
    "DE": ("GmbH", "AG"),
    "US": ("Inc.", "LLC"),
    "GB": ("Ltd",),
    "FR": ("SAS", "SA"),
    "ES": ("S.L.",),
    "MX": ("S.A. de C.V.",),
    "JP": ("株式会社",),
    "SE": ("AB",),
    "IN": ("Pvt Ltd",),
    "CA": ("Inc.",),
    "NL": ("B.V.",),
    "IT": ("S.r.l.",),
    "AU": ("Pty Ltd",),
    "PL": ("sp. z o.o.",),
    "BR": ("Ltda.",),
    "TR": ("A.Ş.",),
    "CN": ("有限公司",),
    "KR": ("주식회사",),
    "AE": ("ذ.م.م",),
    "IL": ('בע"מ',),
    "EG": ("ش.م.م",),
    "VN": ("JSC",),
}

JOB_TITLES: tuple[str, ...] = (
    "Head of Sales",
    "VP Engineering",
    "Chief Executive Officer",
    "Procurement Manager",
    "Operations Lead",
    "Account Executive",
    "Product Manager",
    "CFO",
    "Marketing Director",
    "IT Administrator",
    "Customer Success Manager",
    "Founder",
    "Data Scientist",
    "Geschäftsführerin",
    "Directeur commercial",
    "Directora de Compras",
    "営業部長",
    "技术总监",
    "مدير المبيعات",
    "מנהלת מוצר",
)

PRODUCTS: tuple[str, ...] = (
    "Platform renewal",
    "Enterprise expansion",
    "Pilot",
    "Analytics add-on",
    "Multi-year deal",
    "Security review",
    "New region rollout",
    "Support upgrade",
)

SUMMARY_POINTS: tuple[str, ...] = (
    "Evaluating **three vendors**; decision expected next quarter.",
    "Asked for a security questionnaire and the SOC 2 report.",
    "Budget owner is the CFO; procurement runs through a reseller.",
    "Prefers email over calls; replies within a day.",
    "Champion for the rollout in the *EMEA* team.",
    "Raised concerns about data residency in the EU.",
    "Interested in the API and the webhook integration.",
    "Renewal is tied to the fiscal year ending in March.",
)

NOTES: tuple[str, ...] = (
    "Met at the **Berlin** trade fair.\n\n- Wants a demo for the ops team\n- Follow up soon",
    "Call notes:\n\n1. Current tool is a spreadsheet\n2. Pain: duplicates\n3. Next: pricing",
    '> "We need this live before the audit."\n\nSent the onboarding checklist.',
    "Introduced by a mutual customer. Keep it *low-key* until after their re-org.",
    "Prefers meetings in the morning (CET). Vegetarian — remember for the dinner.",
)

BUSINESS_MODELS: tuple[str, ...] = (
    "Sells **annual subscriptions** to mid-market companies, priced per seat.",
    "Earns a *transaction fee* on every payment processed through its platform.",
    "Manufactures components and sells them through distributors in Europe and Asia.",
    "Runs a marketplace and takes a commission on each order.",
    "Licenses its software to hospitals; services are about a third of revenue.",
)

NEXT_STEPS: tuple[str, ...] = (
    "Send the revised quote",
    "Schedule a technical deep-dive",
    "Legal review of the MSA",
    "Intro to the executive sponsor",
    "Run the pilot kick-off",
)

MEMBERS: tuple[tuple[str, str, str, str, str], ...] = (
    # first, last, email local part, role, profile image or ""
    ("Alex", "Rivera", "alex.rivera", "Admin", "https://avatars.example/members/alex.png"),
    ("Mia", "Schneider", "mia.schneider", "Admin", ""),
    ("Kenji", "Watanabe", "kenji.watanabe", "Member", "https://avatars.example/members/kenji.png"),
    ("Amélie", "Laurent", "amelie.laurent", "Member", ""),
    ("Omar", "Haddad", "omar.haddad", "Member", "https://avatars.example/members/omar.png"),
    ("Priya", "Nair", "priya.nair", "Member", ""),
    ("Lars", "Eriksson", "lars.eriksson", "Member", ""),
    ("Sofía", "Castillo", "sofia.castillo", "Member", "https://avatars.example/members/sofia.png"),
    ("Wei", "Chen", "wei.chen", "Member", ""),
    ("Hannah", "Okafor", "hannah.okafor", "Member", ""),
    ("Tomasz", "Kowalski", "tomasz.kowalski", "Member", ""),
    ("Yael", "Ben-David", "yael.bendavid", "Member", "https://avatars.example/members/yael.png"),
    ("Lucas", "Oliveira", "lucas.oliveira", "Member", ""),
    ("Grace", "Kim", "grace.kim", "Member", ""),
    ("Ahmed", "Mansour", "ahmed.mansour", "Member", ""),
    ("Julia", "Fischer", "julia.fischer", "Member", ""),
    ("Noah", "Thompson", "noah.thompson", "Member", ""),
    ("Elif", "Demir", "elif.demir", "Member", ""),
)

WORKSPACE_DOMAIN = "lightfield-demo.example"
PERSONAL_DOMAINS = ("mail.example", "inbox.example", "post.example")
