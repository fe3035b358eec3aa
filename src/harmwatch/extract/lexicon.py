"""Word lists and patterns the extraction rules use, in one place.

Each trigger pattern names the event type it signals and its strength:
``STRONG`` words name the event ("air strike", "evacuated"); ``WEAK`` words only
suggest it ("killed", "hit") and are used when nothing stronger is in the clause.
The pattern text doubles as the rule name a reviewer sees.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

STRONG = 2
WEAK = 1


@dataclass(frozen=True)
class TriggerPattern:
    type: str
    regex: re.Pattern[str]
    strength: int
    name: str
    extract: bool = True  # False: a hint for snippet classification only, never a mention of its own


_WORD_START = r"(?<![\w-])"  # every trigger pattern starts here


def _p(type_: str, pattern: str, strength: int = STRONG, extract: bool = True) -> TriggerPattern:
    rx = re.compile(_WORD_START + r"(?:" + pattern + r")(?![\w])", re.IGNORECASE)
    return TriggerPattern(type_, rx, strength, f"{type_}:{pattern[:40]}", extract)


AIR_CUES = re.compile(
    r"\b(?:air|aerial|jets?|warplanes?|planes?|aircraft|helicopters?|russian|drones?|sorties?|bombers?)\b",
    re.IGNORECASE,
)
AIRCRAFT = re.compile(r"\b(?:jets?|warplanes?|planes?|aircraft|helicopters?|drones?|sorties?|bombers?)\b",
                      re.IGNORECASE)
FACILITY = (r"(?:hospitals?|clinics?|medical facilit(?:y|ies)|field hospitals?|schools?|markets?|bakery|bakeries"
            r"|mosques?|convoys?|ambulances?)")

# A convoy is aid unless it is a police or military one.
_AID_CONVOY = (r"(?<!police )(?<!military )(?<!army )(?<!security )(?<!armoured )(?<!armored )(?<!rebel )"
               r"(?<!troop )convoys?")

TRIGGERS: tuple[TriggerPattern, ...] = (
    _p("air_strike", r"air ?strikes?|air ?raids?|air attacks?|aerial (?:bombardments?|bombings?|attacks?|assault)"
       r"|warplanes?|war planes|fighter jets?|barrel[- ]bombs?|barrel[- ]bombing|drone strikes?|helicopters? dropped"
       r"|(?:russian|syrian|regime|coalition|government) (?:jets|planes|aircraft|air force)|bombed from the air"
       r"|air force|(?:jets|aircraft|planes|helicopters|drones|bombers) (?:have |had )?(?:struck|strike|hit|bombed"
       r"|bomb|pounded|pound|targeted|target|attacked|attack|raided|raid|strafed|fired on|killed|kill|wounded|wound"
       r"|injured)"),
    _p("shelling", r"shell|shelling|shelled|shells|artillery|mortars?|mortar fire|rockets?|rocket fire|missiles?"
       r"|cluster munitions?|tank fire|grad rockets"),
    _p("shelling", r"bombardments?|bombing|bombed|bombs", WEAK),
    _p("air_strike", r"raids?|sorties", WEAK),  # re-typed by AIR_CUES, see rules.py
    _p("chemical_attack", r"chemical (?:attacks?|weapons?|agents?|bombs?)|chlorine|sarin|toxic gas|poison gas"
       r"|nerve agents?|mustard gas"),
    _p("suicide_bombing", r"suicide (?:bomb(?:ing|er|ers|s)?|attacks?|car bombs?|vests?|blasts?)"
       r"|blew (?:himself|herself|themselves) up"),
    _p("explosive_device", r"(?:car|motorcycle|motorbike|bicycle|truck|lorry|parcel|magnetic|sticky|roadside) bombs?"
       r"|ieds?|improvised explosive(?: devices?)?|landmines?"
       r"|(?:twin|double|triple) (?:bombings?|blasts?|explosions?|bomb attacks?)"
       r"|land mines?|explosive devices?|vbieds?|booby[- ]trap(?:s|ped)?|bomb blast|explosion"),
    _p("grenade", r"grenades?"),
    _p("armed_clash", r"clash(?:es|ed)?|fighting|battles?|battled|fought|firefights?|exchanged fire"
       r"|exchange of fire|gun ?battles?|skirmish(?:es)?|counter-?attacks?|offensive"),
    _p("armed_clash", r"heavy casualties|heavy losses|resistance", WEAK),
    _p("attack_on_civilians", r"executed|executions?|executing|massacres?|massacred|shot dead|gunned down"
       r"|murdered|summary killings?|terror(?:ist)? attacks?|opened fire on (?:civilians|residents|the crowd)"
       r"|killing civilians|slaughter(?:ed)?|beaten to death|executes|behead(?:s|ed|ing|ings)|crucif(?:ied|ixions?)"
       r"|ston(?:ed|es|ing)(?: \w+){0,3} to death|stoned|hanged|hangings"
       r"|hanging (?:of |up to |at least |some )?[\d,]+"),
    _p("attack_on_civilians", r"killed|kills?|killing|killings|murder|shot|stabbed|attacks?|attacked|genocide"
       r"|execute|assassinat(?:ed|ion|ions|e)|martyrs?|casualt(?:y|ies)|human losses|losses|injuries"
       r"|(?<!the )(?:injured|wounded|dead)|deaths|targets?|targeted|targeting", WEAK),
    _p("sexual_violence", r"rape[ds]?|raping|sexual (?:violence|assault|abuse)|sexually (?:assaulted|abused)"),
    _p("abduction", r"abduct(?:ed|ion|ions|s)?|kidnap(?:ped|ping|pings|s)?|forcibly disappeared"
       r"|enforced disappearances?|taken to (?:an )?unknown|moved to unknown"),
    _p("peaceful_protest", r"protests?|protested|protesting|demonstrations?|demonstrators|rall(?:y|ies|ied)"
       r"|vigils?|took to the streets|marched|sit-ins?"),
    _p("protest_with_intervention", r"(?:protesters|demonstrators|protest|rally|demonstration) (?:was |were )?"
       r"(?:dispersed|broken up|arrested|detained)|(?:police|security forces) (?:dispersed|broke up)"
       r"|dispers(?:e|ed|ing) (?:the )?(?:protest|rally|demonstration|crowd|protesters|demonstrators)"
       r"|tear ?gas|water cannons?|batons?|rubber bullets"
       r"|(?:arrested|detained|rounded up|beat|beaten|clubbed|assaulted) (?:\w+ ){0,3}?(?:protesters|demonstrators"
       r"|marchers)"),
    _p("excessive_force_against_protesters", r"(?:fired|opened fire) (?:on|at|into) (?:the )?"
       r"(?:protesters|demonstrators|crowd|protest|mourners|(?:\w+ ){0,2}(?:march|rally|procession))"
       r"|(?:killed|shot|wounded|injured|killing|wounding) (?:\w+ ){0,2}(?:protesters|demonstrators|mourners)"
       r"|(?:protesters|demonstrators|mourners) (?:were |was |had been )?(?:shot|killed|wounded|injured)"
       r"|live (?:ammunition|rounds|fire)"),
    _p("violent_demonstration", r"riots?(?! police| squads?| gear| shields?| control)|rioters|rioting"
       r"|violent protests?|(?:protesters|demonstrators) "
       r"(?:torched|stormed|threw (?:stones|rocks|petrol bombs)|clashed with (?:the )?police|set fire|burned|pelted"
       r"|vandali[sz]ed|blocked)|stone[- ]pelting|stone[- ]throwing"),
    _p("mob_violence", r"mobs?|lynched|lynching|vigilantes?|angry (?:crowd|villagers|residents|youths)"),
    _p("agreement", r"ceasefire|cease-fire|truce|deal|agreement|accord|brokered|surrender(?:ed)?"
       r"|humanitarian pause|prisoner (?:exchange|swap)|(?:routes?|corridors?) (?:will|would) be opened"),
    _p("arrest", r"arrest(?:ed|s)?|detain(?:ed|s)?|detention|rounded up|taken into custody"),
    _p("change_to_group_activity", r"mobili[sz](?:ed|ation)|formed an alliance|merged|disbanded|reinforcements"
       r"|(?:announced|formed|launched|created) (?:the formation of )?(?:a |an )?(?:new )?(?:armed )?"
       r"(?:group|brigade|coalition|alliance|militia|faction|battalion)|pledged allegiance|joined forces|defected"
       r"|appointed (?:a )?new (?:leader|commander|chief)|recruit(?:ment|ed|ing)|dissolved|split from"),
    _p("disrupted_weapons_use", r"defused|defusing|(?:seized|confiscated|recovered|found|discovered) (?:a |an )?"
       r"(?:large )?(?:cache of |quantity of |stash of )?(?:weapons|arms|explosives|ammunition|rockets|mines|ieds?)"
       r"|weapons (?:cache|depot)|arms cache|intercepted|shot down|dismantled (?:an? )?(?:ied|bomb|explosive)"
       r"|foiled|bomb disposal"),
    _p("base_established", r"(?:established|set up|establish|setting up|built|opened) (?:a |an |its |their )?(?:new )?"
       r"(?:military |temporary |permanent )?(?:base|headquarters|outpost|camp|position|post)s?"),
    _p("looting_destruction", r"loot(?:ed|ing|ers)|torched|set (?:on )?fire to|arson|demolished|razed|set ablaze"
       r"|burn(?:ed|t) down|vandali[sz]ed|destroyed (?:\w+ )?(?:homes|houses|property|shops|crops|vehicles)"
       r"|ransacked|pillag(?:ed|ing)"),
    _p("territory_regained", r"re-?took|re-?captured?|re-?capturing|re-?conquest|regained(?: control)?"
       r"|retak(?:e|ing)|took back|won back|fall of"),
    _p("territory_taken", r"captur(?:e|ed|es|ing)|liberat(?:e|ed|es|ing)|seiz(?:e|ed|es|ing)"
       r"|t(?:ake|akes|ook|aking|aken) (?:full |complete |total )?(?:control|over)"
       r"|overr?an|overrun|advanc(?:e|es|ed|ing) (?:into|over|in|on|towards?)"
       r"|(?:control|controls|controlled) (?:large parts|most|the rest|all) of"),
    _p("territory_transfer", r"handed over|handover|withdr(?:ew|awn) from|transfer(?:red)? (?:of )?control"),
    _p("siege", r"sieges?|besieged|besieging|laid siege|under siege|encircled|encirclement|blockade[ds]?"
       r"|starv(?:e|ed|ing|ation)|cut off|(?:route|road|supply line|corridor)s? (?:\w+ )?(?:was |were |has been "
       r"|have been )?(?:cut|severed|closed)"),
    _p("evacuation", r"evacuat(?:e|ed|es|ing|ion|ions)|bussed out|buses (?:left|carrying|arrived)"
       r"|(?:taken|brought|ferried|transferred) out of"
       r"|(?:buses|coaches|ambulances|convoys?) (?:carried|ferried|transported|took|brought)"),
    _p("displacement", r"fled|flee|flees|fleeing|displaced|displacement|exodus|uprooted"
       r"|forced from their homes|refugees? (?:arrived|crossed|streamed)"
       r"|(?:people|civilians|families|residents|refugees|syrians|thousands|hundreds) (?:have |had )?crossed"
       r"|crossed (?:the border )?into (?:turkey|lebanon|jordan|iraq)"
       r"|(?:families|residents|civilians|villagers|thousands|hundreds) (?:have |had )?(?:left|abandoned)"),
    _p("aid_access", r"(?:aid|relief|humanitarian|food) (?:convoys?|deliver(?:y|ies)|supplies|trucks|workers)"
       r"|" + _AID_CONVOY
       + r"|aid (?:was |were |is )?(?:blocked|denied)|airdrops?|no food|food (?:has |had )?(?:come|entered)"
       r"|no (?:humanitarian )?(?:aid|assistance|relief|supplies) (?:has |had |have )?"
       r"(?:reached|entered|arrived|got in)"
       r"|deliver(?:ed|ing|s)? (?:\w+ )?(?:food|aid|supplies|assistance|relief|medicines?)"
       r"|(?:food|aid|supplies|assistance|relief) (?:was |were |had been |has been )?delivered"),
    _p("responsibility_claim", r"claimed responsibility|(?:denied|denies|deny) (?:responsibility|involvement"
       r"|carrying out|targeting)|blamed|accused"),
    _p("diplomatic", r"sanctions?|condemn(?:ed|s|ation)?|expell?ed|summoned (?:the )?ambassador|veto(?:ed)?"
       r"|security council (?:resolution|vote|voted|meeting|adopted)|called for a ceasefire|peace talks"),
    _p("crime", r"smuggl(?:ing|ers?|ed)|drug (?:trafficking|traffickers|cartels?|dealers?|lords?)|traffickers?"
       r"|robber(?:y|ies|s)|robbed|extortion|gangs?|cartels?|bandits?|criminals?|narcotics|cattle rustl(?:ing|ers)"
       r"|ransom|heist|burglar(?:y|s)"),
    _p("natural_disaster", r"earthquakes?|quake|floods?|flooding|flash floods?|epidemic|pandemic|outbreak|cholera"
       r"|drought|hurricane|landslides?|mudslides?|cyclone|typhoon|tsunami|wildfires?|forest fires?|heavy rains?"
       r"|storms?|tremors?|volcan(?:o|ic)|heatwave"),
    _p("industrial_disaster", r"(?:factory|industrial|chemical plant|warehouse|refinery|mine|pipeline|fuel tanker)"
       r" (?:fire|explosion|blast|collapse|accident)|(?:plane|train|bus|helicopter|boat|ferry)"
       r" (?:crash(?:ed)?|accident|capsized)|capsized|derail(?:ed|ment)|gas (?:leak|cylinder|explosion)"
       r"|short circuit|stampede"),
    # In war reports buildings collapse and truces collapse: these words only hint at an accident.
    _p("industrial_disaster", r"collapsed|collapse|blaze|fire broke out|caught fire", WEAK, extract=False),
    _p("other", r"curfews?|state of emergency|martial law|internet (?:shutdown|blackout)|released a video"
       r"|propaganda video", WEAK),
    _p("armed_clash", r"ambush(?:ed|es)?|attacked (?:an? |the )?(?:military|army|police|security) "
       r"(?:post|base|checkpoint|convoy|patrol|position)s?"),
    _p("explosive_device", r"bombs? (?:exploded|went off|detonated|blast)|detonated|explosives?|blast", WEAK),
    _p("agreement", r"signed|peace (?:deal|talks|agreement|accord|process)|released \w* ?(?:prisoners|hostages"
       r"|detainees)|swap", WEAK),
    _p("diplomatic", r"talks|summit|ambassadors?|envoys?|diplomat(?:s|ic)?|foreign minist(?:er|ry)|urged|called on"
       r"|warned|threatened|statement", WEAK),
    _p("responsibility_claim", r"claimed (?:the )?(?:attack|bombing|killing|assault)|took responsibility"
       r"|responsibility for"),
    _p("air_strike", r"(?:hit|struck|targeted|destroyed|bombed) (?:\w+ ){0,3}" + FACILITY
       + r"|" + FACILITY + r"(?:,? [\w'’-]+){0,8},? (?:was|were|been|being) (?:\w+ )?"
       r"(?:hit|struck|targeted|destroyed|bombed)",
       WEAK),
)

# Weak words of these types ("statement", "signed", "curfew") help classify a snippet but are too common
# to make a mention of their own.
CLASSIFY_ONLY = frozenset({"diplomatic", "other", "agreement"})
EXTRACT_TRIGGERS: tuple[TriggerPattern, ...] = tuple(
    t for t in TRIGGERS if t.extract and not (t.strength == WEAK and t.type in CLASSIFY_ONLY))

# Where some extract trigger matches: one scan that tries the patterns only at word starts. A pattern
# matches only where this does, so trying each pattern at these places alone finds all it finds.
TRIGGER_STARTS = re.compile(
    _WORD_START + "(?=" + "|".join(f"(?:{t.regex.pattern[len(_WORD_START):]})" for t in EXTRACT_TRIGGERS) + ")",
    re.IGNORECASE)


def find_triggers(text: str, ranges: Sequence[tuple[int, int]]) -> Iterator[tuple[TriggerPattern, re.Match[str]]]:
    """Every extract trigger's matches within ``ranges`` of ``text``: what its ``finditer`` over each
    range gives, pattern by pattern, at a fraction of the cost (issue 9)."""
    starts = [[m.start() for m in TRIGGER_STARTS.finditer(text, lo, hi)] for lo, hi in ranges]
    for pat in EXTRACT_TRIGGERS:
        for (lo, hi), places in zip(ranges, starts, strict=True):
            pos = lo
            for at in places:
                m = pat.regex.match(text, at, hi) if at >= pos else None
                if m is not None:
                    yield pat, m
                    pos = max(m.end(), at + 1)


# Specificity for tie-breaks: the later in this list, the more generic.
GENERIC_TYPES = ("diplomatic", "responsibility_claim", "other")

TARGET_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (t, re.compile(r"\b(?:" + p + r")\b", re.IGNORECASE)) for t, p in (
        ("civilians", r"civilians?|residents|inhabitants|non-combatants|men|villagers|worshippers|shoppers"
                      r"|passengers|farmers|detainees|displaced people"),
        ("children", r"children|child|kids|boys?|girls?|babies|infants?|schoolchildren"),
        ("women", r"women|woman|mothers?|pregnant"),
        ("health", r"hospitals?|clinics?|medical|medics?|doctors?|nurses?|ambulances?|maternity|health"),
        ("education", r"schools?|universit(?:y|ies)|kindergartens?|students"),
        ("food", r"bakery|bakeries|bread|markets?|food"),
        ("aid", r"aid workers?|" + _AID_CONVOY
         + r"|icrc|red cross|red crescent|sarc|unicef|wfp|humanitarian workers?"),
        ("journalists", r"journalists?|reporters?|cameram[ae]n|media workers?"),
        ("residential", r"homes?|houses?|residential|apartments?|buildings?"),
        ("infrastructure", r"infrastructure|water (?:station|supply|plant)|power (?:station|plant|lines?)"
                           r"|electricity|bridges?|roads?"),
        ("religious", r"mosques?|churche?s?"),
        ("camp", r"camps?"),
        ("military", r"military (?:base|positions?|targets?)|soldiers|troops|checkpoints?"),
    )
)

NEGATION = re.compile(
    r"\b(?:not|never|no|nobody|none|neither|nor|without|cannot|hasn't|haven't|hadn't|didn't|doesn't|don't"
    r"|wasn't|weren't|isn't|aren't|won't|no sign(?:s)? of|has yet to|have yet to|failed to|denied that)\b"
    r"|n['’]t\b",
    re.IGNORECASE,
)
HYPOTHETICAL = re.compile(
    r"\b(?:could|might|may|would|will|shall|if|unless|threaten(?:s|ed)? to|risk(?:s|ing)?"
    r"|fear(?:s|ed|ing)? (?:of|that)?"
    r"|plan(?:s|ned)? to|expected to|likely to|set to|about to|in case|potential(?:ly)?|possible|possibly"
    r"|warn(?:s|ed)? (?:of|that)|planned|proposed|scheduled|upcoming|imminent|prepar(?:e|es|ed|ing) (?:for|to)?"
    r"|vow(?:s|ed)? to)\b",
    re.IGNORECASE,
)
# "the evacuation was postponed": what was called off did not happen.
CALLED_OFF = re.compile(r"[^.;]{0,40}?\b(?:was|were|has been|have been|had been|is|are|got)\s+(?:\w+\s+)?"
                        r"(?:postponed|cancell?ed|called off|put off|delayed|aborted|scrapped)\b", re.IGNORECASE)
ANNOUNCEMENT = re.compile(
    r"\b(?:said|saying|says|announced|announcing|declared|promised|leaflets?|told|stated|pledged|agreed)\b",
    re.IGNORECASE,
)
UNVERIFIED = re.compile(
    r"\bunverified|unconfirmed|could not be (?:independently )?verified\b"
    r"|\b(?:not|never|unable to|could not|cannot|can't|couldn't) (?:been able to |be able to )?(?:independently )?"
    r"(?:verify|confirm)\b", re.IGNORECASE)
ALLEGED = re.compile(
    r"\b(?:reportedly|allegedly|alleged|reports? (?:say|said|suggest(?:ed)?|indicate(?:d)?|that|have been)"
    r"|there (?:are|were) reports|according to (?:some |local |unconfirmed )?(?:reports|sources|estimates|accounts)"
    r"|reports have|sources said|accused|rumou?rs?|some estimates)\b",
    re.IGNORECASE,
)
DENIED = re.compile(r"\b(?:denied|denies|deny|denying|rejected claims|dismissed (?:the )?(?:claims|reports)"
                    r"|fabricated|baseless|unfounded|untrue|(?:was|were|is|are) (?:false|fake|lies))\b",
                    re.IGNORECASE)
# "no aid has reached the town", "no food has come in": that aid was kept out is the event, not its negation.
ACCESS_DENIED = re.compile(
    r"no (?:humanitarian )?(?:aid|food|assistance|relief|supplies|medicines?)\s+(?:has |had |have )?(?:been )?"
    r"(?:come in|came in|reached|entered|arrived|got in|gotten in|allowed in|delivered|let in)\b", re.IGNORECASE)
# "Russia denied its aircraft bombed the convoy": the claimant speaks of its own forces, so it is the actor.
OWN_FORCES = re.compile(
    r"\b(?:its|their)\s+(?:own\s+)?(?:aircraft|air\s+force|jets|warplanes|planes|helicopters|drones|forces|troops"
    r"|soldiers|army|military|fighters|militias?|artillery|gunners|units|men)\b", re.IGNORECASE)
# "IS claimed responsibility for the bombing": the claimant is the actor of what it claims.
# It claims the act, or denies it as the one accused: "IS claimed responsibility", "Russia denied carrying out".
SELF_CLAIM = re.compile(r"\b(?:(?:claimed|claims|claiming|took|takes|taking)\s+(?:responsibility|credit)"
                        r"|(?:denied|denies|deny|denying)\s+(?:any\s+)?(?:responsibility|involvement|carrying out"
                        r"|conducting|launching|targeting|bombing|shelling))\b", re.IGNORECASE)
REPORTING_VERBS = frozenset({
    "say", "tell", "report", "document", "state", "announce", "claim", "confirm", "estimate", "count",
    "record", "add", "warn", "accuse", "deny", "note", "tweet", "post", "allege",
})
ACCORDING_TO = re.compile(r"\baccording to\s+(?P<who>[^,.;:()]{2,80})", re.IGNORECASE)
AT_LAST_COUNT = re.compile(r"^(?P<who>.{2,80}?)\s+(?:has|have|had),? (?:at last count|so far|to date)",
                           re.IGNORECASE)
UNNAMED_CLAIMANTS = re.compile(
    r"^(?:reports?|sources?|activists?|witnesses|residents|locals|some|others|people|observers|media|rumou?rs?)$",
    re.IGNORECASE,
)
AGGREGATE = re.compile(  # a tally or a pattern of events whatever the sentence counts
    r"\b(?:alone|so far|at last count|in total|a total of|daily|every day|each day"
    r"|a day(?! (?:after|before|earlier|later))|per day|to date"
    r"|all (?:have|had) been|dozens of (?:attacks|strikes)|tally|every week|repeatedly|systematically"
    r"|(?:monthly|weekly|annual|yearly|quarterly) (?:report|toll|tally|count|figures|update)"
    r"|(?:overall|cumulative) (?:death |casualty )?(?:toll|number|figure)"
    r"|(?:worst|hardest)[- ](?:hit|affected)\b[^.;]{0,30}\bwith)\b",
    re.IGNORECASE,
)
PERIOD = re.compile(  # a period: makes a counted figure a tally ("killed 300 since the start of the war")
    r"\b(?:since the (?:start|beginning)|in the first (?:\w+ )?(?:days|weeks|months|years|hours)"
    r"|in the (?:last|past) \w+ (?:days|weeks|months|years)|over the (?:last|past) \w+|this year"
    r"|(?:in|within|over) (?:about |around |nearly |almost |some )?(?:\d+|two|three|four|five|six|seven|eight|nine"
    r"|ten) (?:consecutive |straight )?(?:days|weeks|months|years)"
    r"|death toll(?! (?:from|of|in) (?:the |this |last |\w+'s )?(?:\w+ ){0,3}"
    r"(?:strikes?|attacks?|raids?|bombings?|blasts?|explosions?|shelling|massacres?)))\b",
    re.IGNORECASE,
)
_MONTH_NAME = (r"(?-i:January|February|March|April|May|June|July|August|September|October|November"
               r"|December)")
# A count since a date ("had killed 462 civilians since 15 November", "since Tuesday") runs over days: a tally.
# Not a comparison ("the heaviest shelling since 15 November killed 30") nor a day's event ("since Monday's truce").
SINCE_DATE = re.compile(
    r"\bsince\s+(?:(?:early|mid|late)[- ]?)?(?:(?:the\s+)?\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?)?"
    + _MONTH_NAME + r"\b(?!['’]s)"
    r"|\bsince\s+(?:last\s+)?(?-i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b(?!['’]s)",
    re.IGNORECASE,
)
# A monitor's daily toll across the country, opening its clause: "206 were killed yesterday, including 48 regime
# forces", "143 killed yesterday 20/01/2015". One strike's toll names its event: "12 killed in a strike yesterday".
DAILY_TOLL = re.compile(
    r"^\W*\d[\d,]*\s+(?:[a-z]+\s+){0,2}?(?:were\s+|have\s+been\s+)?(?:killed|died)\s+(?:yesterday|today)\b"
    r"(?:\s+\d{1,2}/\d{1,2}/\d{2,4})?(?:,?\s+(?:including|among\s+them)\b|\W*$)",
    re.IGNORECASE,
)
# A monitor's count over a whole month or year: "documented 14 massacres in November", "recorded 36 attacks
# during the month". The verb and the count before the period matter: "In November, a strike killed 12" and
# "recorded the strike in October, which killed 12" are one event.
TALLIED_OVER = re.compile(
    r"\b(?:documented|recorded|counted|registered|tallied|logged)\b[^.;\d]{0,80}?"
    r"(?:\d|\b(?:dozens|scores|hundreds|thousands)\b)[^.;]{0,100}?\b(?:"
    r"(?:in|during|throughout|over|for)\s+(?:the\s+)?(?:(?:whole|entire|past|last)\s+)?(?:month|year|quarter)\b"
    r"|(?:in|during|throughout|for)\s+(?:the\s+month\s+of\s+)?" + _MONTH_NAME + r"\b"
    r"|(?:in|during|throughout)\s+(?:19|20)\d\d\b)",
    re.IGNORECASE,
)
# Bodies recovered "so far" are the toll of one attack as the rescue goes on, not a tally of many.
RECOVERED_BODIES = re.compile(r"\b(?:recovered|pulled|retrieved|dug out|found)\b[^.;]{0,40}\bbod(?:y|ies)\b",
                              re.IGNORECASE)
RUNNING_COUNT = frozenset({"so far", "to date", "at last count"})
# A definition states what a word means, not that anything happened: "we define a massacre as an attack that
# kills five or more". "defined the attack as a war crime" (the attack) is about a real event.
DEFINITION = re.compile(r"\bdefin(?:e|es|ed|ing)\s+(?:a|an)\s+(?:\w+\s+){1,2}?as\b"
                        r"|\b(?:a|an)\s+\w+\s+is\s+defined\s+as\b|\bdefinition\s+of\s+(?:a|an)\b",
                        re.IGNORECASE)
# Places that stand for atrocities of the past: a clause that names one is a comparison, not news.
HISTORIC_ATROCITY = re.compile(r"\b(?:Halabja|Srebrenica|Screbrenica|Rwanda|Guernica|Auschwitz|Holocaust|Nanking"
                               r"|My Lai|Sabra|Shatila|Katyn|Dresden|Hiroshima|Nagasaki)\b")
# A modal just before a number: "could see up to 300,000 killed" states no count of anything that happened.
MODAL_BEFORE = re.compile(r"\b(?:could|might|may|would|will|if)\b[^.;,:]{0,40}$", re.IGNORECASE)
# No figure between: in "the heaviest shelling since 15 November killed 30 on Monday", Monday is the event's day.
SINCE_START = re.compile(r"\b(?:since|start of|beginning of|began|started)\b[^.;\d]{0,60}$", re.IGNORECASE)
# Before "since <date>": a comparison looks back to that date ("for the first time since 2012", "the worst
# shelling since March"); the event itself is not then.
COMPARED_SINCE = re.compile(r"\b(?:(?:for )?the first time|(?:the|its|their) (?:\w+est|most \w+)\b[^.;]{0,40}?)\s*$",
                            re.IGNORECASE)
COMMENT_HEADER = re.compile(r"^\s*(?:\d+\s+)?(?:comments?|responses?|replies)\b|^\s*(?:leave a reply|reader comments)",
                            re.IGNORECASE | re.MULTILINE)
CAPTION = re.compile(r"\b(?:credit|photo|photograph|picture|image)\s*:|\((?:AFP|Reuters|AP)(?: Photo)?\)"
                     r"|/(?:AFP|REUTERS|AP)\b", re.IGNORECASE)
# The look-behind skips starts inside a whitespace run (no match can begin there), so runs stay linear.
CLAUSE_BREAK = re.compile(r"(?:(?<!\s)|(?=\S))"
                          r"\s*(?:;|\s[–—-]\s|:\s|,\s+(?:and|but|while|whereas|as)\s|\s(?:but|while|whereas)\s)\s*")
