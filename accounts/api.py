"""The accounts part of the JSON API: sign-up, sign-in (JWT), profile, devices."""

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors, services
from .serializers import DeviceSerializer, MeSerializer


class MeView(APIView):
    """The signed-in account: name, contact details, role, two-factor status."""

    @extend_schema(responses=MeSerializer, tags=["auth"])
    def get(self, request):
        return Response(MeSerializer(request.user).data)


@extend_schema(tags=["devices"])
class DeviceListView(generics.ListAPIView):
    """The devices (apps and browsers) this account has signed in from."""

    serializer_class = DeviceSerializer
    ordering = "-last_seen_at"

    def get_queryset(self):
        return selectors.user_devices(user=self.request.user)


@extend_schema(tags=["devices"])
class DeviceDetailView(APIView):
    """Remove a device: it is signed out at once (its tokens stop working)."""

    @extend_schema(responses={204: None}, description=str(_("Sign this device out.")))
    def delete(self, request, pk: int):
        if not services.device_remove(user=request.user, device_pk=pk):
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("auth/me/", MeView.as_view(), name="auth-me"),
    path("devices/", DeviceListView.as_view(), name="devices-list"),
    path("devices/<int:pk>/", DeviceDetailView.as_view(), name="devices-detail"),
]
