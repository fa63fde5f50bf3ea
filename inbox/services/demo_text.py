"""Phrasing for the demo workspace: fragments the generator combines, so that ~600 items
read like different people wrote them. Fictional names and places throughout."""

from __future__ import annotations

OPENERS = {
    "pos": ["Popped in on a {day} and", "Third visit this month and", "Came here with my {who} and",
            "Finally tried this place —", "Stopped by before work and", "We were walking along the harbour and",
            "My go-to spot on {day}s:", "Honestly", "What a find!", "Met a friend here and"],
    "neg": ["Really wanted to like this place but", "Came in on a {day} morning and", "Not my best visit:",
            "Disappointed today.", "I've been a regular for a year, but", "Visited with my {who} and",
            "Hate writing bad reviews, but", "Second time now that"],
    "mid": ["Mixed feelings.", "It's fine.", "Decent spot overall.", "Came in on a {day}.",
            "Some things great, some not."],
}

ASPECTS = {
    "coffee": {
        "pos": ["the flat white was spot on", "the espresso is rich and not bitter at all",
                "best oat latte in the neighbourhood", "the filter coffee of the week was lovely and fruity",
                "cold brew on a hot day was perfect"],
        "neg": ["my latte was lukewarm", "the cappuccino tasted burnt", "the coffee was watery",
                "they got my order wrong twice", "the oat milk had run out again"],
    },
    "pastries": {
        "pos": ["the almond croissant was still warm", "cardamom buns are out of this world",
                "the banana bread is moist and generous", "their sourdough toast with jam is simple and great"],
        "neg": ["the croissant was stale", "pastries were sold out by 10am", "the muffin was dry",
                "the cake slice was tiny for the price"],
    },
    "service": {
        "pos": ["the staff remembered my name", "service was quick even with a queue",
                "the barista recommended a great bean", "staff were so kind to my kids"],
        "neg": ["the staff seemed annoyed when I asked a question", "waited 20 minutes for a takeaway",
                "nobody cleared the tables", "the person at the till was rude"],
    },
    "queue": {
        "pos": ["the queue moved fast", "there was a second till open, so no wait"],
        "neg": ["the queue at 9am went out the door", "the morning queue is a nightmare",
                "ordering took forever at lunchtime"],
    },
    "prices": {
        "pos": ["prices are fair for the quality", "the loyalty card is a nice touch"],
        "neg": ["£4.80 for a latte is too much", "prices went up again", "expensive for what you get"],
    },
    "space": {
        "pos": ["the window seats have a view of the boats", "cosy, with good music and plants everywhere",
                "plenty of sockets and the wifi is fast", "it's dog friendly and they bring water bowls"],
        "neg": ["it's cramped and noisy", "the toilets were not clean", "no wifi, which they don't mention",
                "the music was far too loud", "it was freezing inside"],
    },
    "food": {
        "pos": ["the shakshuka brunch is worth the trip", "vegan options that are actually good",
                "the soup of the day was hearty"],
        "neg": ["my eggs were overcooked", "the sandwich was soggy", "very few gluten free options"],
    },
}

CLOSERS = {
    "pos": ["Will be back!", "Highly recommend.", "Thank you all ❤️", "New favourite ☕", "10/10 would return.",
            "Keep it up!", "", "See you next week 😊"],
    "neg": ["Won't be rushing back.", "Please sort it out.", "Expected better.", "", "Such a shame.",
            "Hope someone reads this."],
    "mid": ["Might try again.", "Worth a go if you're nearby.", "", "Three stars feels fair."],
}

TITLES = {
    "pos": ["Lovely spot", "Best coffee in town", "Great brunch", "Friendly staff", "A gem by the harbour"],
    "neg": ["Disappointing", "Slow service", "Not worth it", "Cold coffee", "Needs improvement"],
    "mid": ["OK", "Decent", "Fine for a quick coffee", "Hit and miss"],
}

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
WHO = ["partner", "mum", "kids", "colleague", "dog", "book club", "friend"]

FOREIGN = [
    ("fr", 5, "Super café, le croissant aux amandes était encore chaud. Personnel très accueillant !"),
    ("fr", 2, "Service très lent et le café était tiède. Dommage."),
    ("de", 4, "Sehr guter Flat White und nette Bedienung. Morgens leider lange Schlange."),
    ("de", 1, "Unfreundliches Personal, kalter Kaffee. Nie wieder."),
    ("es", 5, "¡Qué buen café! Los bollos de cardamomo son increíbles."),
    ("es", 3, "El café bien, pero muy caro para lo que es."),
    ("ja", 5, "コーヒーがとても美味しかったです。店員さんも親切でした。☕"),
    ("it", 4, "Ottimo espresso, posto accogliente vicino al porto."),
    ("pl", 2, "Długa kolejka i zimna kawa. Szkoda."),
    ("ar", 5, "قهوة رائعة وموظفون لطفاء جداً"),
]

FIRST_NAMES = ["Priya", "Tom", "Aisha", "Marek", "Sofia", "Liam", "Chen", "Olu", "Hannah", "Diego",
               "Fatima", "Jonas", "Mei", "Kwame", "Ellie", "Rafael", "Ingrid", "Yusuf", "Grace", "Noor",
               "Ben", "Zara", "Luca", "Amara", "Finn", "Leila", "Owen", "Keiko", "Sam", "Rosa",
               "Dev", "Isla", "Mateo", "Freya", "Kofi", "Anya", "Hugo", "Lena", "Ravi", "Maya"]
LAST_NAMES = ["Natarajan", "Baker", "Okafor", "Nowak", "Rossi", "Murphy", "Wei", "Adeyemi", "Schmidt",
              "García", "Khan", "Berg", "Tanaka", "Mensah", "Price", "Silva", "Larsen", "Demir",
              "Hughes", "Haddad", "Clarke", "Ahmed", "Romano", "Eze", "Walsh", "Morales"]

OWNER_REPLIES = {
    "pos": ["Thanks {name}! {echo} — we'll tell the team. See you soon.",
            "{name}, this made our morning. Glad the {aspect} hit the spot!",
            "Thank you {name}! Come say hi at the counter next time.",
            "Cheers {name} — {echo}, that's exactly what we aim for."],
    "neg": ["Sorry {name}, that's not the visit we want anyone to have. {fix} Could you email ellie@harbourstreet.example so we can put it right?",
            "{name}, thank you for telling us. You're right about the {aspect}. {fix}",
            "I'm sorry, {name}. {fix} Next coffee is on us — just mention this review."],
    "mid": ["Thanks {name} — noted on the {aspect}. We're working on it.",
            "Appreciate the honest review, {name}. {fix}"],
}

FIXES = {
    "coffee": "We've recalibrated the grinder and retrained the morning shift on milk temperature.",
    "pastries": "We now bake a second batch at 10:30 so the shelves aren't empty.",
    "service": "I've talked with the team about it this week.",
    "queue": "From next week a second till opens for the morning rush.",
    "prices": "We've kept the filter coffee at £2.50 and added a loyalty card.",
    "space": "We've fixed the heating and turned the music down.",
    "food": "Our new chef has changed how we cook the eggs.",
}

SOCIAL_MENTIONS = [
    "Anyone been to @harbourstreet lately? Thinking of going for brunch {day}.",
    "The cardamom buns at Harbour Street Café are dangerous. Third one this week 😅",
    "Working from @harbourstreet today, wifi is fast and the flat white is 👌",
    "Is it just me or has the queue at Harbour Street Café gotten worse?",
    "Shoutout to the barista at Harbour Street who fixed my order without a fuss 🙌",
    "Harbour Street Café vs Bean & Gone — which does the better oat latte? Go.",
    "Lukewarm latte again at Harbour Street. Third time. Hmm.",
    "Dog-friendly cafés near the harbour? Harbour Street gave my pup a water bowl ❤️",
]
SOCIAL_REPLIES = [
    "Agreed, the buns are worth it.", "Went last week, the queue was fine after 10.",
    "Bean & Gone is cheaper but Harbour Street tastes better imo.", "Try the shakshuka!",
    "Same experience here, the milk was barely warm.", "Their wifi password is on the chalkboard btw",
    "Go early, the croissants sell out.", "+1, lovely staff.",
]

# The owner's fix for each complaint, so that a reply answers what the customer wrote
# (a reply about eggs to a complaint about a sandwich reads as a form letter).
COMPLAINT_FIXES = {
    "my latte was lukewarm": "We've retrained the morning shift on milk temperature.",
    "the cappuccino tasted burnt": "We've recalibrated the grinder and changed to a lighter roast.",
    "the coffee was watery": "We've recalibrated the grinder so every shot is weighed.",
    "they got my order wrong twice": "Every order now gets your name and a check at the hand-off.",
    "the oat milk had run out again": "We now order oat milk twice a week, not once.",
    "the croissant was stale": "Croissants are now baked in three batches through the morning.",
    "pastries were sold out by 10am": "We now bake a second batch at 10:30 so the shelves aren't empty.",
    "the muffin was dry": "We've changed the muffin recipe and bake them smaller batches.",
    "the cake slice was tiny for the price": "Cake slices are now cut a third bigger.",
    "the staff seemed annoyed when I asked a question": "I've talked with the team about it this week.",
    "waited 20 minutes for a takeaway": "Takeaway orders now have their own station at the rush.",
    "nobody cleared the tables": "Someone is now on tables every half hour.",
    "the person at the till was rude": "I've talked with the team about it this week.",
    "the queue at 9am went out the door": "From next week a second till opens for the morning rush.",
    "the morning queue is a nightmare": "From next week a second till opens for the morning rush.",
    "ordering took forever at lunchtime": "You can now order ahead in our app to skip the lunch queue.",
    "£4.80 for a latte is too much": "We've kept the filter coffee at £2.50 and added a loyalty card.",
    "prices went up again": "Our loyalty card now gives every tenth coffee free.",
    "expensive for what you get": "We've added a £6 lunch deal with soup and bread.",
    "it's cramped and noisy": "We've moved two tables to open up the room.",
    "the toilets were not clean": "Toilets are now checked every hour, with a sign-off sheet.",
    "no wifi, which they don't mention": "The wifi password is now on every table.",
    "the music was far too loud": "We've turned the music down and set a limit.",
    "it was freezing inside": "We've fixed the heating.",
    "my eggs were overcooked": "Our new chef has changed how we cook the eggs.",
    "the sandwich was soggy": "Sandwiches are now made to order, not in the morning.",
    "very few gluten free options": "We've added two gluten-free dishes to the menu.",
}
