"""The referential is read-only in the admin: it comes from the shipped file."""

from django.contrib import admin

from territories.models import Commune, Departement, Epci, Region


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Departement)
class DepartementAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "region"]
    search_fields = ["code", "name"]
    list_select_related = ["region"]


@admin.register(Epci)
class EpciAdmin(ReadOnlyAdmin):
    list_display = ["siren", "name", "kind", "population"]
    search_fields = ["siren", "name"]


@admin.register(Commune)
class CommuneAdmin(ReadOnlyAdmin):
    list_display = ["insee", "name", "departement", "epci", "population", "postcodes"]
    search_fields = ["insee", "search_name", "postcodes"]
    list_select_related = ["departement", "epci"]
