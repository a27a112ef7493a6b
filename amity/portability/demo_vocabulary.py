"""Hold the word pools and mixes the demo network is drawn from.

Everything here is invented: names are combinations of common given and family
names, companies are made up, and phone numbers use ranges reserved for fiction
where a country has one. Pools are tuples and dicts, never sets, so iteration order
never depends on string hashing (which would make the demo differ between runs).
"""

# long because: it is data, not logic (regions, fields, templates and mixes, one table
# per concept); the builder that draws from it is amity.portability.demo.

from __future__ import annotations

from dataclasses import dataclass


def _words(text: str) -> tuple[str, ...]:
    """Split a "|"-separated pool, dropping blanks and surrounding spaces."""
    return tuple(part.strip() for part in text.split("|") if part.strip())


def _records(text: str) -> list[dict[str, tuple[str, ...]]]:
    """Parse blank-line-separated records of "key: a|b|c" lines (a key may repeat)."""
    records: list[dict[str, tuple[str, ...]]] = []
    for block in text.strip().split("\n\n"):
        record: dict[str, tuple[str, ...]] = {}
        for line in block.strip().splitlines():
            key, _, values = line.partition(":")
            record[key.strip()] = record.get(key.strip(), ()) + _words(values)
        records.append(record)
    return records


@dataclass(frozen=True)
class Region:
    """A naming tradition with the cities its people in the demo live in."""

    female: tuple[str, ...]
    male: tuple[str, ...]
    family: tuple[str, ...]
    cities: tuple[str, ...]
    # "x" marks a digit to draw; UK, US and Australian numbers use fiction ranges.
    phone_pattern: str
    weight: int


@dataclass(frozen=True)
class Field:
    """An industry: its companies, job titles, interests and a tag it suggests."""

    name: str
    companies: tuple[str, ...]
    titles: tuple[str, ...]
    interests: tuple[str, ...]
    tag: str
    weight: int


_REGIONS = """
weight: 14
phone: +44 7700 900xxx
female: Hannah|Chloe|Eleanor|Grace|Imogen|Rosie|Harriet|Megan|Lucy|Freya|Isla|Abigail
male: Oliver|Tom|James|Callum|Harry|George|Rory|Ben|Owen|Jack|Sam|Hugh
family: Whitfield|Ashworth|Pembroke|Hartley|Fairbairn|Calloway|Thornton|Aldridge|Blackwood
family: Rowntree|Kingsley|Marlow|Prescott|Winslow|Hollis|Radcliffe
cities: London|Manchester|Bristol|Edinburgh|Leeds|Glasgow|Cambridge|Cardiff

weight: 14
phone: +1 206 555 01xx
female: Madison|Kayla|Brooke|Jasmine|Morgan|Tessa|Lauren|Kendra|Alyssa|Dana|Shelby|Nora
male: Tyler|Brandon|Marcus|Jordan|Caleb|Derek|Austin|Trevor|Wesley|Nolan|Grant|Reid
family: Delaney|Whitaker|Brennan|McAllister|Sorensen|Caldwell|Harrington|Lindqvist|Pruitt|Vance
family: Holloway|Ramsey|Colby|Dunmore|Eastwood|Farrow
cities: New York|San Francisco|Seattle|Boston|Austin|Chicago|Denver|Portland|Toronto|Vancouver

weight: 9
phone: +34 6xx xxx xxx
female: Lucía|Marta|Carmen|Elena|Paula|Ximena|Valentina|Camila|Renata|Inés|Julieta|Ana
male: Javier|Diego|Mateo|Santiago|Álvaro|Tomás|Andrés|Rodrigo|Emilio|Iker|Nicolás|Pablo
family: Ortega|Castillo|Navarro|Herrera|Mendoza|Vargas|Iglesias|Cabrera|Montoya|Salazar|Fuentes
family: Arroyo|Delgado|Quintero|Esquivel|Robles
cities: Madrid|Barcelona|Valencia|Mexico City|Buenos Aires|Bogotá|Santiago|Lima

weight: 7
phone: +33 6 xx xx xx xx
female: Camille|Léa|Manon|Juliette|Chloé|Inès|Margaux|Élise|Anaïs|Clémence|Sophie|Zoé
male: Julien|Mathieu|Antoine|Théo|Hugo|Bastien|Lucas|Rémi|Adrien|Olivier|Louis|Maxime
family: Lefèvre|Moreau|Girard|Fontaine|Chevalier|Rousseau|Lambert|Bonnet|Mercier|Faure|Gauthier
family: Perrin|Marchand|Duval|Lemaire|Brunet
cities: Paris|Lyon|Marseille|Nantes|Toulouse|Bordeaux|Montréal|Brussels|Geneva

weight: 9
phone: +49 151 xxxx xxxx
female: Anna|Lena|Katharina|Johanna|Mareike|Sanne|Femke|Lotte|Greta|Friederike|Ilse|Nele
male: Jonas|Lukas|Felix|Tobias|Maximilian|Jan|Daan|Ruben|Niels|Florian|Moritz|Bram
family: Becker|Hoffmann|Vogel|Krüger|Schreiber|Brandt|Lindemann|Hartmann|van Dijk|de Vries
family: Jansen|Visser|Bakker|Mulder|Kessler|Winter
cities: Berlin|Munich|Hamburg|Cologne|Vienna|Zurich|Amsterdam|Rotterdam|Utrecht

weight: 6
phone: +46 70 xxx xx xx
female: Astrid|Ingrid|Sigrid|Linnea|Maja|Freja|Saga|Elin|Aino|Ida|Sunniva|Tuva
male: Erik|Anders|Magnus|Henrik|Nils|Oskar|Mikkel|Lars|Eero|Sindre|Jonatan|Emil
family: Lindström|Andersen|Nyberg|Halvorsen|Virtanen|Bergqvist|Sandvik|Holm|Karlsson|Rasmussen
family: Eklund|Lundgren|Korhonen|Dahl|Strand|Mikkelsen
cities: Stockholm|Copenhagen|Oslo|Helsinki|Gothenburg|Aarhus|Bergen|Malmö

weight: 8
phone: +39 347 xxx xxxx
female: Giulia|Chiara|Francesca|Sofia|Beatriz|Mariana|Leonor|Aurora|Carolina|Bianca|Rita|Irene
male: Luca|Matteo|Lorenzo|Davide|Tiago|João|Rafael|Gonçalo|Pietro|Riccardo|Bruno|Filipe
family: Romano|Colombo|Ricci|Marino|Greco|Bruno|Gallo|Conti|Ferreira|Almeida|Carvalho|Ribeiro
family: Moreira|Teixeira|Pacheco|Sarmento
cities: Milan|Rome|Turin|Bologna|Lisbon|Porto|São Paulo|Rio de Janeiro

weight: 10
phone: +91 98xxx xxxxx
female: Priya|Ananya|Kavya|Meera|Diya|Ishita|Nandini|Aditi|Riya|Shreya|Lakshmi|Pooja
male: Arjun|Rohan|Vikram|Karthik|Aditya|Nikhil|Siddharth|Rahul|Varun|Aarav|Kiran|Dev
family: Sharma|Iyer|Reddy|Nair|Menon|Kapoor|Banerjee|Desai|Chatterjee|Krishnan|Mehta|Pillai|Rao
family: Joshi|Bhatt|Subramanian
cities: Bengaluru|Mumbai|Delhi|Pune|Hyderabad|Chennai|London|Singapore

weight: 7
phone: +86 139 xxxx xxxx
female: Mei|Xinyi|Yuting|Jing|Lin|Hui|Ying|Qian|Xiaowen|Ruoxi|Yan|Shu
male: Wei|Jun|Hao|Lei|Chen|Yifan|Zhiwei|Tao|Jian|Bo|Kai|Ming
family: Wang|Li|Zhang|Liu|Chen|Yang|Huang|Zhao|Zhou|Wu|Xu|Sun|Hu|Zhu|Gao|Lin
cities: Shanghai|Shenzhen|Beijing|Hong Kong|Taipei|Singapore|Hangzhou

weight: 6
phone: +81 90 xxxx xxxx
female: Yuki|Haruka|Aiko|Sakura|Emi|Naomi|Seo-yeon|Ji-woo|Min-ji|Hae-won|Soo-ah|Eun-ji
male: Haruto|Kenji|Takumi|Sota|Daiki|Ren|Min-jun|Ji-ho|Seung-woo|Do-hyun|Jae-won|Hyun-woo
family: Tanaka|Suzuki|Watanabe|Yamamoto|Nakamura|Kobayashi|Saito|Matsumoto|Kim|Park|Choi|Jung
family: Kang|Yoon|Han|Lim
cities: Tokyo|Osaka|Kyoto|Fukuoka|Seoul|Busan|Incheon

weight: 7
phone: +234 803 xxx xxxx
female: Amara|Chiamaka|Ngozi|Adaeze|Zainab|Folake|Ama|Akosua|Efua|Yewande|Ifeoma|Abena
male: Chinedu|Tunde|Emeka|Olumide|Kwame|Kofi|Yaw|Babajide|Obinna|Segun|Kwabena|Ikenna
family: Okafor|Adeyemi|Nwosu|Balogun|Okonkwo|Mensah|Boateng|Asante|Oyelaran|Eze|Adebayo|Owusu
family: Danquah|Ogunleye|Afolabi|Appiah
cities: Lagos|Abuja|Accra|Kumasi|London|Johannesburg|Cape Town

weight: 5
phone: +254 712 xxx xxx
female: Wanjiru|Achieng|Njeri|Akinyi|Wambui|Nyokabi|Amani|Zawadi|Imani|Neema|Halima|Auma
male: Kamau|Otieno|Mwangi|Kipchoge|Baraka|Juma|Onyango|Kiprono|Wekesa|Ochieng|Jabari|Tumaini
family: Kariuki|Odhiambo|Njoroge|Mutua|Wanyama|Chege|Omondi|Kimani|Maina|Mwakilema|Ruto|Gitau
family: Nyambura|Kiplagat|Owino|Macharia
cities: Nairobi|Mombasa|Kigali|Kampala|Dar es Salaam|Addis Ababa

weight: 6
phone: +971 50 xxx xxxx
female: Layla|Yasmin|Nour|Leila|Rania|Salma|Dina|Farah|Hiba|Zeynep|Elif|Defne
male: Omar|Karim|Yusuf|Tariq|Rami|Samir|Hassan|Emre|Mehmet|Can|Burak|Ziad
family: Haddad|Khalil|Nasser|Saleh|Mansour|Farouk|Aziz|Hamdan|Yılmaz|Demir|Kaya|Şahin|Çelik
family: Aydın|Öztürk|Toprak
cities: Dubai|Beirut|Amman|Cairo|Istanbul|Ankara|Izmir|Doha

weight: 6
phone: +48 601 xxx xxx
female: Zofia|Agnieszka|Katarzyna|Marta|Ewa|Alicja|Tereza|Lenka|Olena|Iryna|Ioana|Andreea
male: Piotr|Tomasz|Krzysztof|Marek|Jakub|Ondřej|Petr|Dmytro|Andriy|Mihai|Radu|Pavel
family: Kowalczyk|Nowak|Wiśniewska|Zieliński|Lewandowski|Dvořák|Novotný|Kovalenko|Shevchenko
family: Popescu|Ionescu|Horváth|Szabó|Kaczmarek|Wójcik|Bondarenko
cities: Warsaw|Kraków|Prague|Brno|Kyiv|Lviv|Bucharest|Budapest

weight: 5
phone: +84 90 xxx xxxx
female: Linh|Thảo|Mai|Ngọc|Trang|Angelica|Bea|Kristine|Maricel|Siti|Putri|Ayu
male: Minh|Huy|Tuấn|Bảo|Quang|Paolo|Miguel|Carlo|Rizal|Budi|Arif|Dimas
family: Nguyen|Tran|Le|Pham|Hoang|Vu|Santos|Reyes|Cruz|Bautista|Mendoza|Santoso|Wijaya|Hidayat
family: Pratama|Kusuma
cities: Ho Chi Minh City|Hanoi|Manila|Cebu|Jakarta|Bandung|Kuala Lumpur

weight: 6
phone: +61 491 570 xxx
female: Charlotte|Matilda|Ruby|Isabella|Harper|Sienna|Aroha|Mia|Evie|Tahlia|Billie|Kiri
male: Lachlan|Hamish|Angus|Cooper|Fletcher|Mitchell|Tane|Riley|Jarrah|Declan|Liam|Finn
family: McKenzie|Fraser|O'Brien|Sullivan|Gallagher|Donnelly|Walsh|Kennedy|Nolan|Doyle|Ngata
family: Whitlock|Kelleher|Byrne|Quinlan|McCarthy
cities: Sydney|Melbourne|Brisbane|Auckland|Wellington|Dublin|Cork|Perth
"""

_FIELDS = """
field: Software
weight: 20
tag: tech meetup
companies: Kestrel Cloud|Quillstack|Mosslight|Brightwire|Tessellate Systems|Orbitform
companies: Parcel & Pine|Lanternfish Labs
titles: Staff engineer|Engineering manager|Backend developer|Product manager
titles: Site reliability engineer|CTO|Frontend developer|Data engineer
interests: open-source databases|Rust|distributed systems|developer tooling|accessibility
interests: type systems|self-hosting|mechanical keyboards

field: Climate tech
weight: 12
tag: climate circle
companies: Heatwise|Gridlight Energy|Carbonfield|Tidewater Storage|Verdant Loop|Sunfold
companies: Peatland Trust Ventures
titles: Head of partnerships|Energy analyst|Founder|Hardware engineer|Policy lead
titles: Carbon accounting lead|Operations director
interests: heat pumps|grid storage|carbon accounting|urban cycling|rewilding|community solar
interests: circular economy|e-bikes

field: Healthcare
weight: 7
companies: St Brigid's Hospital|Meridian Health|CareBridge Clinics|Northgate Medical
companies: Harbourview Hospital|Pulsepoint
titles: Paediatric nurse|GP|Clinical lead|Hospital administrator|Physiotherapist
titles: Emergency physician|Health data analyst
interests: digital health|public health|patient safety|running|mental health at work
interests: medical ethics|health equity

field: Education
weight: 6
companies: Riverside Academy|Open Classroom|Brookfield School|Learnwell|City College
companies: Lantern Learning
titles: Secondary teacher|Head of science|Curriculum designer|Headteacher|Learning designer
titles: Education researcher
interests: edtech|early literacy|maths education|school gardens|adult learning|teacher wellbeing
interests: children's books

field: Finance
weight: 7
tag: investor
companies: Harbour Street Capital|Alder & Finch|Lumina Bank|Northstar Ventures|Fernhill Partners
companies: Ledgerline
titles: Investment analyst|Venture partner|Risk manager|CFO|Portfolio manager|Angel investor
titles: Compliance officer
interests: impact investing|fintech|behavioural economics|angel investing|personal finance
interests: climate finance|chess

field: Design
weight: 7
companies: Studio Marrow|Fieldnote Design|Inkwell & Co|Paperplane Studio|Kin Design|Obliq
titles: Product designer|Design director|UX researcher|Brand designer|Service designer
titles: Illustrator
interests: typography|design systems|service design|risograph printing|inclusive design|ceramics
interests: photography

field: Journalism
weight: 5
companies: The Evening Ledger|Northern Dispatch|Signal Radio|The Long Read Co-op|Citywire Daily
companies: Fourth Estate Weekly
titles: Reporter|Features editor|Data journalist|Podcast producer|Investigations editor
titles: Science correspondent
interests: data journalism|local news|long-form podcasts|press freedom|fact-checking
interests: science writing|crossword puzzles

field: Law
weight: 5
companies: Ashdown Legal|Marlowe & Quaid|Greenway Chambers|Open Rights Clinic|Vantage Law
companies: Castellan LLP
titles: Associate|Partner|In-house counsel|Barrister|Legal technologist|Privacy lawyer
interests: data protection|employment law|legal tech|climate litigation|mediation
interests: immigration law|open data

field: Nonprofit
weight: 6
companies: Open Doors Foundation|Common Ground Trust|Second Harvest Kitchen|Bridgeworks
companies: Seedbank Collective|Lighthouse Youth
titles: Programme director|Fundraising manager|Executive director|Community organiser
titles: Volunteer coordinator|Grants officer
interests: community organising|food banks|youth mentoring|refugee support
interests: participatory budgeting|volunteering|housing policy

field: Biotech
weight: 5
companies: Helix & Stone|Amberleaf Bio|Cellwright|Proteon Therapeutics|Nucleo Labs|Mycelia Bio
titles: Research scientist|Lab manager|Head of R&D|Bioinformatician|Clinical trials manager
titles: Founder
interests: synthetic biology|protein design|bioinformatics|fermentation|open science
interests: rare diseases|sourdough

field: Government
weight: 5
companies: City Council|Department for Transport|Digital Service Office|Environment Agency
companies: Ministry of Health|Regional Development Board
titles: Policy adviser|Service owner|Councillor|Head of digital|Transport planner
titles: Chief data officer
interests: civic tech|public transport|open government|urban planning|participatory democracy
interests: cycling infrastructure

field: Music
weight: 4
companies: Blue Note Rooms|Echo Yard Records|Saltmarsh Sound|The Orchard Hall|Meridian Strings
companies: Lowlight Festival
titles: Session musician|Sound engineer|Festival programmer|Music teacher|Composer|Label manager
interests: jazz|modular synths|choir singing|vinyl collecting|film scores|live sound|folk music

field: Architecture
weight: 4
companies: Timberline Architects|Atelier Nord|Courtyard Studio|Hollow & Beam
companies: Commonhouse Architects
titles: Architect|Urban designer|Project architect|Landscape architect|Sustainability consultant
interests: mass timber|passive houses|urban planning|adaptive reuse|sketching|co-housing
interests: urban cycling

field: Retail
weight: 4
companies: Marigold Market|Fernlea Stores|Goodthread|Corner Grocer Co-op|Hearth & Home
companies: Tidy Basket
titles: Store manager|Head of e-commerce|Buyer|Supply chain lead|Customer experience manager
titles: Merchandiser
interests: sustainable fashion|repair cafés|supply chains|e-commerce|zero-waste shops
interests: coffee roasting

field: Research
weight: 5
companies: University of Northbridge|Institute for Future Cities|Alder Research Lab
companies: Coastal Science Centre|Open Knowledge Institute
titles: Postdoctoral researcher|Professor|Research fellow|PhD candidate|Lab director
titles: Research software engineer
interests: machine learning|network science|reproducibility|science communication|ocean science
interests: history of science|birdwatching

field: Film & media
weight: 4
companies: Northlight Pictures|Reelhouse|Cutaway Studios|Brightframe Media|Open Lens Collective
titles: Documentary producer|Editor|Director|Screenwriter|Cinematographer|Head of content
interests: documentaries|screenwriting|film festivals|animation|colour grading
interests: independent cinema
"""

REGIONS: tuple[Region, ...] = tuple(
    Region(
        female=r["female"],
        male=r["male"],
        family=r["family"],
        cities=r["cities"],
        phone_pattern=r["phone"][0],
        weight=int(r["weight"][0]),
    )
    for r in _records(_REGIONS)
)
FIELDS: tuple[Field, ...] = tuple(
    Field(
        name=r["field"][0],
        companies=r["companies"],
        titles=r["titles"],
        interests=r["interests"],
        tag=r.get("tag", ("",))[0],
        weight=int(r["weight"][0]),
    )
    for r in _records(_FIELDS)
)

HOBBIES = _words(
    "urban cycling|sourdough|bouldering|trail running|board games|chess|birdwatching|"
    "photography|sci-fi novels|gardening|open-water swimming|cooking|climbing|hiking|"
    "pottery|yoga|tennis|reading groups|football|knitting"
)

# How the user knows someone; each is also the tag they get (the last, "hiring", is
# handed out separately).
SOCIAL_TAGS = _words(
    "mentor|mentee|former colleague|book club|conference friends|university|"
    "neighbours|running club|family friend|hiring"
)

CONFERENCES = _words(
    "PyCon|Web Summit|RightsCon|the Climate Week summit|Config|the Open Data Camp|"
    "Mozfest|a design sprint workshop|the Sustainable Cities forum|re:publica"
)

HOW_WE_MET = {
    "former colleague": _words(
        "Worked together at {old_company}|Sat next to each other at {old_company}|"
        "Same team at {old_company} for two years"
    ),
    "conference friends": _words(
        "Met at {conference} in {year}|Shared a table at {conference} ({year})|"
        "Spoke on the same panel at {conference}"
    ),
    "university": _words("University friend; same halls|Studied together; same dissertation group"),
    "book club": _words("Book club: the second-Tuesday group|Joined the book club the same month"),
    "neighbours": _words("Neighbour in {city}|Lived on the same street in {city}"),
    "running club": _words("Running club, Saturday long runs|Parkrun regular"),
    "mentor": _words("Mentored me through my first management job|Met through a mentoring scheme"),
    "mentee": _words("I mentor them through the {field} mentoring scheme"),
    "family friend": _words("Family friend; known forever"),
    "other": _words(
        "Introduced by {other} over email|Met at a {interest} meetup in {city}|"
        "Found each other's blogs about {interest}|Met at a friend's wedding|"
        "Connected on LinkedIn after a webinar on {interest}|"
        "Same co-working space in {city}|Met on a {interest} course"
    ),
}

NOTE_TEMPLATES = _words(
    "Met through **{how}**. Cares a lot about *{interest}*.|"
    "Thoughtful and direct. Prefers {channel} over long emails.\n\n- Into {interest}\n- "
    "Ask about {hobby}|"
    "Great person to ask about **{topic}**.|"
    "Has two kids; weekends are for {hobby}.|"
    "Knows everyone in the {field} scene in {city}.|"
    "Writes a newsletter on {topic}. Worth reading.|"
    "Vegetarian; loves {hobby}.|"
    "Always replies within a day. Good sounding board on *{topic}*."
)

LOOKING_FOR = _words(
    "A co-founder with a {topic} background|Introductions to {field} investors|"
    "Feedback on a beta of their {topic} tool|A new role in {field}, ideally remote|"
    "Speakers for a {topic} meetup|Beta testers in {city}|A mentor in {field} leadership|"
    "Collaborators for a {topic} side project"
)
CAN_OFFER = _words(
    "Happy to review CVs for {field} roles|Knows the {city} {field} scene well|"
    "Can give feedback on {topic} pitches|Intros to {company} people|"
    "Office space in {city} on Fridays|Deep expertise in {topic}|"
    "Mentoring for people new to {field}"
)

TIMELINE_NOTES = _words(
    "Moving to {city} in the spring.|"
    "Training for a marathon; ask how it went.|"
    "Thinking about leaving {company}; wants to chat about {topic}.|"
    "{Their_cap} daughter started school this month.|"
    "Recommended the book *The Overstory*. Read it!|"
    "Hiring two people in {field} this quarter.|"
    "Back from parental leave.|"
    "Launched a side project on **{topic}**.|"
    "Said {they} would love an intro to someone in {other_field}.|"
    "Bought a house in {city}; housewarming soon."
)
JOB_CHANGE_NOTE = (
    "New role: **{title} at {company}** (was {old_title} at {old_company}). Send congrats."
)

# What the user did for someone: {them}/{their}/{they} are the person's pronouns.
GIVE = {
    "shared_content": _words(
        "Sent {them} the article on {topic}|Shared a podcast episode on {topic}|"
        "Forwarded the {topic} report {they} asked about|Sent {them} my notes from the "
        "{topic} talk"
    ),
    "introduction": _words(
        "Introduced {them} to {other} about {topic}|Made an intro to {other} for {their} "
        "{topic} project"
    ),
    "help": _words(
        "Reviewed {their} deck for the {topic} pitch|Gave feedback on {their} CV|"
        "Helped {them} prep for an interview|Read the draft of {their} essay on {topic}"
    ),
    "congrats": _words(
        "Congratulated {them} on the new role|Congrats on the {topic} launch|"
        "Congratulated {them} on the talk"
    ),
    "thanks": _words(
        "Thanked {them} for the intro|Thank-you note after dinner|Thanked {them} for the advice"
    ),
    "recommendation": _words(
        "Wrote {them} a LinkedIn recommendation|Recommended {them} for a speaking slot|"
        "Put {their} name forward for a {topic} panel"
    ),
    "gift": _words("Sent {them} a book on {topic}|Brought {them} coffee beans from {city}"),
}
# What the user asked someone for.
ASK = {
    "favour": _words(
        "Asked {them} to proofread my talk|Asked to borrow {their} camera for a weekend|"
        "Asked {them} to share my job post"
    ),
    "referral": _words(
        "Asked {them} for a referral at {company}|Asked {them} to put me in touch with "
        "{their} head of {topic}"
    ),
    "advice_request": _words(
        "Asked {them} for advice on {topic}|Asked how {they} negotiated {their} last offer|"
        "Asked {their} view on a {topic} idea"
    ),
    "pitch": _words(
        "Pitched {them} on the {topic} project|Asked {them} to try our beta|"
        "Asked {them} to back the {topic} crowdfunder"
    ),
}
# What the person did for the user.
THEY_GIVE = {
    "help": _words("{They_cap} reviewed my CV|{They_cap} gave me feedback on the {topic} draft"),
    "introduction": _words(
        "{They_cap} introduced me to {other}|{They_cap} made an intro to a {topic} founder"
    ),
    "shared_content": _words(
        "{They_cap} sent me a job lead|{They_cap} shared notes from the {topic} meetup"
    ),
    "recommendation": _words("{They_cap} recommended me for a {topic} panel"),
    "thanks": _words("{They_cap} thanked me for the intro|Thank-you message for the feedback"),
    "congrats": _words("{They_cap} congratulated me on the new job"),
    "gift": _words("{They_cap} sent a postcard from {city}"),
}
# What the person asked the user for.
THEY_ASK = {
    "advice_request": _words(
        "{They_cap} asked about hiring for {topic}|{They_cap} asked for advice on a {topic} offer|"
        "Coffee at the conference; {they} asked about hiring"
    ),
    "referral": _words(
        "{They_cap} asked for a referral at my company|"
        "{They_cap} asked for an intro to someone in {field}"
    ),
    "favour": _words(
        "{They_cap} asked me to review {their} grant application|{They_cap} asked me to speak "
        "at {their} meetup"
    ),
    "pitch": _words("{They_cap} pitched {their} {topic} product|{They_cap} asked me to invest"),
}
CATCH_UP = {
    "in_person": _words(
        "Coffee near {their} office|Lunch; talked about {topic}|Walk along the river, "
        "talked about {hobby}|Drinks after work|Ran into {them} at the {field} conference|"
        "Breakfast before {their} flight|Dinner at {their} place"
    ),
    "call": _words(
        "Caught up on a call|Long call about {topic}|Video call: catch-up and {hobby}|"
        "Quick call about {their} move"
    ),
    "meeting": _words(
        "Working session on {topic}|Met at the {field} roundtable|Planning meeting for the "
        "{topic} meetup"
    ),
    "message": _words(
        "Messages about {topic}|Swapped photos from the weekend|Quick chat about the weekend|"
        "Checked in after {their} trip|Birthday wishes"
    ),
    "email": _words(
        "Email thread about {topic}|Replied to {their} newsletter|Caught up over email|"
        "Sent over the slides from the {topic} session"
    ),
    "social": _words(
        "Commented on {their} post about {topic}|Liked {their} announcement|"
        "Replied to {their} thread on {topic}"
    ),
    "letter": _words("Holiday card|Handwritten note"),
}
GROUP = _words(
    "Dinner with {names}|Workshop planning with {names}|Coffee with {names}|"
    "Call with {names} about {topic}|Drinks with {names} after the meetup"
)

# Which kind of interaction happens, per tier: catch-up, the user gives, the user
# asks, they give, they ask. Weak ties see more asks from strangers and more
# "congrats on the new job" from the user.
KIND_WEIGHTS = {
    "inner": (60, 20, 6, 8, 6),
    "good": (55, 22, 7, 8, 8),
    "regular": (50, 25, 8, 7, 10),
    "occasional": (45, 28, 7, 6, 14),
    "weak": (35, 30, 5, 5, 25),
    "dormant": (50, 20, 8, 10, 12),
}
KINDS = ("catch_up", "give", "ask", "they_give", "they_ask")
# Close ties meet and call; weak ties message and email.
CHANNEL_WEIGHTS = {
    "inner": {"in_person": 35, "call": 25, "message": 30, "meeting": 5, "email": 5},
    "good": {"in_person": 25, "call": 20, "message": 35, "email": 10, "meeting": 10},
    "regular": dict(message=30, email=25, call=15, meeting=15, in_person=10, social=5),
    "occasional": dict(email=30, message=30, social=20, meeting=10, call=5, in_person=4, letter=1),
    "weak": {"social": 35, "email": 35, "message": 25, "meeting": 5},
}
CHANNEL_WEIGHTS["dormant"] = CHANNEL_WEIGHTS["regular"]
GIVE_SUBTYPES = {
    "shared_content": 30,
    "congrats": 20,
    "help": 15,
    "thanks": 12,
    "introduction": 10,
    "recommendation": 7,
    "gift": 6,
}
ASK_SUBTYPES = {"advice_request": 45, "favour": 25, "referral": 18, "pitch": 12}
# Channels that fit a subtype, whoever initiates it.
SUBTYPE_CHANNELS = {
    "shared_content": ("message", "email", "social"),
    "introduction": ("email",),
    "help": ("call", "in_person", "email"),
    "congrats": ("message", "social", "email"),
    "thanks": ("message", "email", "letter"),
    "recommendation": ("social", "email"),
    "gift": ("in_person", "letter"),
    "favour": ("message", "call"),
    "referral": ("email", "message"),
    "advice_request": ("call", "in_person", "message", "email"),
    "pitch": ("email", "meeting"),
}
HOURS = {"in_person": (8, 21), "call": (9, 19), "meeting": (9, 18), "letter": (10, 17)}
LIVE_CHANNELS = ("in_person", "call", "meeting")
PRONOUNS = {
    "f": {"they": "she", "them": "her", "their": "her"},
    "m": {"they": "he", "them": "him", "their": "his"},
    "x": {"they": "they", "them": "them", "their": "their"},
}
