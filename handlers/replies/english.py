"""What an owner who writes English reads first, per request (the rest of the answer is in Chinese).

One place for the English lines of the flows, so they stay short and alike. The engine says the
line of the request it understood, then its own contact line (hotline, emergency phone, how to
reach a person: ``bot/dialogue/wording.py``).
"""

CAPABILITIES = (
    "Hello! I am the property service assistant. I can take repair requests and emergencies, "
    "complaints and suggestions, answer fee questions, register visitors and moving-out permits, "
    "and tell you how your requests are going. Just describe what you need, e.g. "
    "“the kitchen pipe is leaking”."
)
REPAIR = ("Your repair request is noted. The details below are in Chinese; "
          "reply “确认” (confirm) when the card is right.")
EMERGENCY = "This is treated as an emergency: the duty team has been alerted. Please stay safe."
COMPLAINT = ("Your complaint is being recorded. The questions below are in Chinese; "
             "reply “确认” (confirm) when the card is right.")
SUGGESTION = "Thank you for the suggestion; reply “确认” (confirm) to record it."
FEE = "Here is what your home owes (in Chinese below)."
VISITOR = "Registering a visitor pass for you (details below in Chinese)."
RELEASE = "A moving-out permit (放行条) for your items (details below in Chinese)."
STATUS = "Here is how your requests are going (in Chinese below)."
RATING = "Thank you for rating our service."
BINDING = "Linking your WeChat to your home (the questions below are in Chinese)."
HUMAN = "A member of staff will take over this conversation shortly."
FAQ = "Here is the answer (in Chinese below)."
