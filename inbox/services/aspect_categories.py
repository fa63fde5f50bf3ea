"""The categories an owner recognises, and which one an aspect belongs to.

An aspect is filed by its words, last word (the head: "oat milk *latte*") first: each
category has the plain words that name its things, and the opinion words that point at it
on their own ("overpriced" is about price whatever it describes). These are the category's
vocabulary, written for small businesses in general (café, restaurant, shop, salon, app),
not taken from any data set. An aspect none of them names is "other" until the owner moves
it (`Store.set_aspect_choice`).
"""

from __future__ import annotations

CATEGORIES: dict[str, str] = {
    "food": "Food & drink",
    "service": "Service & staff",
    "price": "Price & value",
    "wait": "Wait & speed",
    "clean": "Cleanliness",
    "ambience": "Ambience",
    "ordering": "Ordering & delivery",
    "app": "App & website",
    "other": "Other",
}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


NOUNS: dict[str, frozenset[str]] = {
    "food": _words("""
        food foods dish dishes meal meals menu cuisine kitchen chef chefs cook taste flavor flavour
        portion portions plate course courses dessert desserts starter starters appetizer appetizers
        entree entrees main mains breakfast brunch lunch dinner snack snacks drink drinks beverage
        coffee coffees espresso latte lattes cappuccino americano macchiato mocha tea chai matcha
        milk cream sugar syrup juice smoothie water wine wines beer beers cocktail cocktails
        bread toast sandwich sandwiches bagel croissant croissants pastry pastries cake cakes
        cookie cookies muffin muffins scone scones pie tart brownie chocolate ice
        pizza pizzas pasta noodles noodle rice soup salad salads sushi sashimi roll rolls
        burger burgers fries chips steak chicken beef pork lamb duck fish salmon tuna shrimp
        prawns lobster crab seafood oyster oysters egg eggs bacon sausage ham cheese butter jam
        sauce sauces dressing vegetables veggies potatoes potato tomato beans tofu curry
        dumplings taco tacos burrito sauce spice spices ingredients ingredient special specials
        bagels waffles pancakes omelette avocado fruit fruits berries yogurt granola oat oats
        sourdough bun buns baguette wrap wraps soda lemonade tapas dim sum ramen pho bbq
        vegan vegetarian gluten selection options option flat white decaf bean beans roast
        produce""").union({"flat white", "cold brew", "hot chocolate", "iced coffee", "iced latte", "iced tea",
                          "french toast", "hot dog", "ice cream", "dim sum", "long black", "soft drink",
                          "hot drink", "cold drink"}),
    "service": _words("""
        service staff staffs waiter waiters waitress waitresses server servers barista baristas
        bartender bartenders host hostess manager managers owner owners team employee employees
        crew attitude hospitality manners welcome stylist stylists hairdresser barber
        therapist receptionist reception cashier cashiers assistant assistants support
        customer_service people guy guys girl lady"""),
    "price": _words("""
        price prices pricing cost costs value bill check charge charges fee fees money
        deal deals discount discounts offer offers refund refunds tip tips tax payment
        subscription subscriptions plan plans"""),
    "wait": _words("""
        wait waiting queue queues line lines speed delay delays time times minutes hour hours
        turnaround"""),
    "clean": _words("""
        cleanliness hygiene toilet toilets bathroom bathrooms restroom restrooms floor floors
        table tables dirt dust smell mess"""),
    "ambience": _words("""
        ambience ambiance atmosphere decor interior music noise vibe vibes setting seating seat
        seats chair chairs sofa view views window windows room space terrace patio garden
        lighting light lights crowd place spot location decoration decorations design
        temperature heating dog dogs parking"""),
    "ordering": _words("""
        order orders delivery deliveries takeaway takeout pickup collection courier driver
        drivers shipping package parcel packaging reservation reservations booking bookings
        appointment appointments click"""),
    "app": _words("""
        app apps website site page login account password update updates version screen
        button buttons feature features notification notifications checkout cart bug bugs
        crash crashes interface design ui loyalty card cards"""),
}

OPINIONS: dict[str, frozenset[str]] = {
    "food": _words("""delicious tasty yummy bland stale salty sweet bitter sour greasy soggy
        overcooked undercooked raw burnt burned fresh flavorful flavourful juicy tender dry
        spicy crispy creamy mouthwatering inedible authentic"""),
    "service": _words("""friendly rude attentive polite helpful unhelpful welcoming courteous
        knowledgeable professional unprofessional accommodating inattentive obnoxious
        arrogant snobby"""),
    "price": _words("""cheap expensive overpriced pricey affordable reasonable inexpensive
        costly"""),
    "wait": _words("""slow quick fast prompt speedy waited forever"""),
    "clean": _words("""clean dirty filthy spotless sticky tidy messy grimy"""),
    "ambience": _words("""cozy cosy noisy loud quiet romantic crowded cramped spacious
        comfortable uncomfortable charming relaxing decorated"""),
    "ordering": _words("""delivered late"""),
    "app": _words("""crashes crashed buggy glitchy"""),
}

# The head noun decides first ("coffee table" is furniture... in a café it is still a
# table; "wait staff" is staff), then any other word of the aspect.
_ORDER = ("app", "ordering", "price", "wait", "clean", "service", "ambience", "food")


# Names made of describing words ("flat white", "cold brew"): a tagger sees adjectives.
COMPOUNDS = frozenset(t for t in NOUNS["food"] if " " in t)


def category_of(term: str) -> str:
    """The category key of an aspect (its lower-cased, singular words), "other" if none."""
    words = term.split()
    if term in NOUNS["food"]:
        return "food"
    for word in reversed(words):
        for key in _ORDER:
            if word in NOUNS[key]:
                return key
    return "other"


def opinion_category(word: str) -> str | None:
    """The category an opinion word points at on its own ("overpriced" -> price)."""
    for key, found in OPINIONS.items():
        if word in found:
            return key
    return None


def label(key: str) -> str:
    return CATEGORIES.get(key, CATEGORIES["other"])
