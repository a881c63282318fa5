"""The gazetteer in the Django admin: entities with their aliases inline. Saving moves the gazetteer revision
(see apps.py), so every process rebuilds its matcher."""

from django.contrib import admin

from wirewatch.entities.models import Alias, Entity


class AliasInline(admin.TabularInline):
    model = Alias
    extra = 3
    fields = ("text", "language")


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "kind", "track_appearances")
    list_filter = ("kind", "track_appearances")
    search_fields = ("name", "slug", "aliases__text")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [AliasInline]


@admin.register(Alias)
class AliasAdmin(admin.ModelAdmin):
    list_display = ("text", "language", "entity")
    list_filter = ("language",)
    search_fields = ("text", "entity__name")
    autocomplete_fields = ("entity",)
