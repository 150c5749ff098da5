"""The voice of the customer: NPS and satisfaction with their intervals, by period and by group; what the
comments say (language, sentiment, themes) and how it joins to value (detractors' revenue, lapse rates, scores
after late orders). Floor 2: reads core's marts and stored scores."""

from insights.voice.report import VoiceReport, sentiment_separation, voice_report
from insights.voice.scores import Nps, Satisfaction, nps, nps_group, satisfaction, wilson

__all__ = ["VoiceReport", "voice_report", "sentiment_separation", "Nps", "Satisfaction", "nps", "nps_group",
           "satisfaction", "wilson"]
