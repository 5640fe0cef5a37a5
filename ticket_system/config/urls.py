from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from tickets.views import HealthView, TicketViewSet

# "/?": /api/tickets and /api/tickets/1 work as they are, rather than redirecting (a redirected
# POST comes back as a GET in most clients).
router = SimpleRouter()
router.trailing_slash = "/?"  # the constructor only takes True/False
router.register("tickets", TicketViewSet, basename="ticket")

urlpatterns = [
    path("api/", include(router.urls)),
    path("api/health/", HealthView.as_view(), name="health"),
    path("api/schema/", SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[]), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema", authentication_classes=[],
                                                     permission_classes=[]), name="docs"),
    path("admin/", admin.site.urls),
]

handler400 = "tickets.exceptions.json_bad_request"
handler404 = "tickets.exceptions.json_not_found"
handler500 = "tickets.exceptions.json_server_error"
